pub fn run() {
    tauri::Builder::default()
        .run(tauri::generate_context!("../tauri.conf.json"))
        .unwrap_or_else(|e| panic!("{e}"));
}
