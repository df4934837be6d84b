// The browser build's shadow stack (linear memory for locals that need an address): the
// linker's default is 1 MiB, all of it allocated at instantiation, which made the wasm
// memory after `init` ≈ 1.1 MB. The SDK has no deep recursion; 64 KiB is several times
// what the browser tests need (README "Size"). Only for the cdylib the npm package ships.
fn main() {
    println!("cargo:rerun-if-env-changed=SDK_WASM_STACK_SIZE");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        let size = std::env::var("SDK_WASM_STACK_SIZE").unwrap_or_else(|_| "65536".into());
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={size}");
    }
}
