fn main() {
    println!("cargo:rerun-if-changed=tauri.conf.json");
    println!("cargo:rerun-if-changed=../ui/dist");
    println!("cargo:rerun-if-changed=../icons");
    tauri_build::try_build(tauri_build::Attributes::new())
        .unwrap_or_else(|error| panic!("tauri build step failed: {error:#}"));
}
