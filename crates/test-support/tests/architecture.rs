//! The shape the code keeps: the modules of core and of the server import each other in one
//! direction only (no cycles), and no source file grows past 400 lines. Read from the sources,
//! so a change that breaks either fails here with the names of the modules or files.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 400;

fn crate_dir(name: &str) -> PathBuf {
    manifest_dir().join("..").join(name).join("src")
}

fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// Top-level module → the top-level modules its non-test code names as `crate::x`.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in sources(src) {
        let relative = file.strip_prefix(src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let name = relative.file_name().unwrap().to_string_lossy();
        if ["lib", "main"].contains(&top.as_str()) || name.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text
            .split("#[cfg(test)]")
            .next()
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let deps = graph.entry(top.clone()).or_default();
        for part in code.split("crate::").skip(1) {
            let module: String =
                part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if module != top && module.starts_with(|c: char| c.is_ascii_lowercase()) {
                deps.insert(module);
            }
        }
    }
    graph
}

fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<(String, String)> {
    let reaches = |from: &str, to: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(next) = stack.pop() {
            for dep in graph.get(&next).into_iter().flatten() {
                if dep == to {
                    return true;
                }
                if seen.insert(dep.clone()) {
                    stack.push(dep.clone());
                }
            }
        }
        false
    };
    let mut found = BTreeSet::new();
    for (module, deps) in graph {
        for dep in deps {
            if graph.contains_key(dep) && reaches(dep, module) {
                found.insert(if module < dep {
                    (module.clone(), dep.clone())
                } else {
                    (dep.clone(), module.clone())
                });
            }
        }
    }
    found.into_iter().collect()
}

#[test]
fn core_and_server_modules_import_in_one_direction() {
    for name in ["core", "server"] {
        let graph = imports(&crate_dir(name));
        assert!(graph.len() > 5, "{name}: the modules were read: {graph:?}");
        assert_eq!(cycles(&graph), Vec::<(String, String)>::new(), "{name}: modules that import each other");
    }
}

#[test]
fn the_check_finds_a_cycle_when_there_is_one() {
    let graph = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
        ("d".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    assert_eq!(
        cycles(&graph),
        [
            ("a".to_owned(), "b".to_owned()),
            ("a".to_owned(), "c".to_owned()),
            ("b".to_owned(), "c".to_owned())
        ]
    );
}

#[test]
fn no_source_file_of_core_or_server_passes_400_lines() {
    let mut long = Vec::new();
    for name in ["core", "server", "protocol"] {
        for file in sources(&crate_dir(name)) {
            let lines = std::fs::read_to_string(&file).unwrap().lines().count();
            if lines > MAX_LINES {
                long.push(format!("{} ({lines} lines)", file.display()));
            }
        }
    }
    assert!(long.is_empty(), "split these by what they do: {long:?}");
}

/// This package's directory, read when the test runs (cargo sets it): a build reused from a
/// checkout elsewhere (a shared target directory) must not look into that other checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}
