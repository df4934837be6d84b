//! The browser module keeps its relocations (`--emit-relocs`): `build.sh` splits the lazily
//! loaded pages out of it with `wasm-split-cli`, which needs them to move code between modules.
//! One data segment per static (`--no-merge-data-segments`) lets the data move with the code
//! that uses it; a merged `.rodata` segment stayed whole in the main module whenever its
//! re-layout by module came out a few bytes longer.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-cdylib=--emit-relocs");
        println!("cargo::rustc-link-arg-cdylib=--no-merge-data-segments");
    }
}
