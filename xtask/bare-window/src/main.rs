//! One window showing one page: nothing but what Tauri 2 itself costs.
fn main() {
    if tauri::Builder::default().run(tauri::generate_context!()).is_err() {
        std::process::exit(1);
    }
}
