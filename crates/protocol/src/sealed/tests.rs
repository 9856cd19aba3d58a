use std::io::{Read, Write};

use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

use super::*;

fn signing_key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn file(size: usize, seed: u8) -> Vec<u8> {
    (0..size).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)).collect()
}

fn attachment(bytes: &[u8], name: &str) -> SealedAttachment {
    SealedAttachment {
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as u64,
        name: name.into(),
    }
}

struct Fixture {
    server: age::x25519::Identity,
    device: SigningKey,
    manifest: Manifest,
    files: Vec<Vec<u8>>,
}

fn fixture() -> Fixture {
    let device = signing_key(7);
    // One file longer than age's 64 KiB chunk, one short.
    let files = vec![file(70_000, 1), file(1_000, 2)];
    let manifest = Manifest {
        national_id: "1000000001".into(),
        client_id: "c0ffee00c0ffee00c0ffee00c0ffee00".into(),
        device_key: device_key_hex(&device.verifying_key()),
        created_at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
        mutations: Vec::new(),
        attachments: vec![attachment(&files[0], "certificate.pdf"), attachment(&files[1], "transcript.png")],
    };
    Fixture { server: age::x25519::Identity::generate(), device, manifest, files }
}

fn sealed(f: &Fixture) -> Vec<u8> {
    seal(Vec::new(), &f.server.to_public(), &f.device, &f.manifest, |index, _| Ok(f.files[index].as_slice()))
        .unwrap()
}

/// Opens, reads every attachment to its end and finishes: what an import does before it applies
/// anything. The attachments' bytes as read.
fn read_all(bytes: &[u8], server: &age::x25519::Identity) -> Result<(Manifest, Vec<Vec<u8>>), OpenError> {
    let mut opened = open(bytes, server)?;
    let mut files = Vec::new();
    while let Some(mut reader) = opened.next_attachment() {
        let mut bytes = Vec::new();
        let mut buffer = [0_u8; 4096];
        loop {
            match reader.read_checked(&mut buffer)? {
                0 => break,
                n => bytes.extend_from_slice(&buffer[..n]),
            }
        }
        files.push(bytes);
    }
    Ok((opened.finish()?, files))
}

/// A plaintext in the format, encrypted to `server` as anyone holding its public key could.
fn encrypt(plaintext: &[u8], server: &age::x25519::Identity) -> Vec<u8> {
    let recipient = server.to_public();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).unwrap();
    let mut writer = encryptor.wrap_output(Vec::new()).unwrap();
    writer.write_all(plaintext).unwrap();
    writer.finish().unwrap()
}

fn plaintext(json: &[u8], signature: &[u8], files: &[&[u8]]) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&(json.len() as u32).to_be_bytes());
    bytes.extend_from_slice(json);
    bytes.extend_from_slice(signature);
    for file in files {
        bytes.extend_from_slice(file);
    }
    bytes
}

#[test]
fn what_is_sealed_opens_whole_with_its_signer_and_files() {
    let f = fixture();
    let bytes = sealed(&f);
    let (manifest, files) = read_all(&bytes, &f.server).unwrap();
    assert_eq!(manifest, f.manifest);
    assert_eq!(files, f.files);
    let opened = open(bytes.as_slice(), &f.server).unwrap();
    assert_eq!(opened.device_key, f.device.verifying_key());
    // Nothing of the plaintext shows in the file.
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("1000000001") && !text.contains("certificate.pdf"), "the file is readable");
}

#[test]
fn a_byte_changed_anywhere_is_refused() {
    let f = fixture();
    let bytes = sealed(&f);
    let ends = (0..200).chain(bytes.len() - 200..bytes.len());
    let positions: Vec<usize> = ends.chain((200..bytes.len() - 200).step_by(251)).collect();
    for position in positions {
        let mut altered = bytes.clone();
        altered[position] ^= 0x01;
        assert!(
            read_all(&altered, &f.server).is_err(),
            "a change at byte {position} of {} was accepted",
            bytes.len()
        );
    }
}

#[test]
fn a_cut_or_lengthened_file_is_refused() {
    let f = fixture();
    let bytes = sealed(&f);
    for length in [bytes.len() - 1, bytes.len() - 17, bytes.len() / 2, 100] {
        assert!(read_all(&bytes[..length], &f.server).is_err(), "cut at {length} was accepted");
    }
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"more");
    assert!(read_all(&longer, &f.server).is_err(), "bytes after the end were accepted");
}

#[test]
fn a_file_for_another_server_or_not_sealed_at_all_says_which() {
    let f = fixture();
    let bytes = sealed(&f);
    let other = age::x25519::Identity::generate();
    assert!(matches!(open(bytes.as_slice(), &other), Err(OpenError::NotForThisServer)));
    assert!(matches!(open(&b"%PDF-1.7 not an export"[..], &f.server), Err(OpenError::NotSealed)));
    // Nothing at all, or only the start of an age header.
    assert!(matches!(open(&b""[..], &f.server), Err(OpenError::NotSealed)));
    assert!(matches!(open(&bytes[..10], &f.server), Err(OpenError::NotSealed)));
}

#[test]
fn a_manifest_signed_by_another_key_than_it_names_is_refused() {
    let f = fixture();
    let json = serde_json::to_vec(&f.manifest).unwrap();
    // Signed by a key other than the one the manifest names (an unregistered one, say).
    let signature = signing_key(9).sign(&Manifest::signed_bytes(&json));
    let bytes = encrypt(&plaintext(&json, &signature.to_bytes(), &[&f.files[0], &f.files[1]]), &f.server);
    assert!(matches!(open(bytes.as_slice(), &f.server), Err(OpenError::BadSignature)));
    // The manifest changed after signing (another employee's ID put in).
    let mut changed = f.manifest.clone();
    changed.national_id = "1000000002".into();
    let changed_json = serde_json::to_vec(&changed).unwrap();
    let signature = f.device.sign(&Manifest::signed_bytes(&json));
    let bytes =
        encrypt(&plaintext(&changed_json, &signature.to_bytes(), &[&f.files[0], &f.files[1]]), &f.server);
    assert!(matches!(open(bytes.as_slice(), &f.server), Err(OpenError::BadSignature)));
}

#[test]
fn a_file_swapped_under_a_genuine_signature_is_refused() {
    let f = fixture();
    let json = serde_json::to_vec(&f.manifest).unwrap();
    let signature = f.device.sign(&Manifest::signed_bytes(&json));
    let mut swapped = f.files[1].clone();
    swapped[10] ^= 0xff;
    let bytes = encrypt(&plaintext(&json, &signature.to_bytes(), &[&f.files[0], &swapped]), &f.server);
    match read_all(&bytes, &f.server) {
        Err(OpenError::AttachmentAltered { name }) => assert_eq!(name, "transcript.png"),
        other => panic!("expected the altered attachment to be named, got {other:?}"),
    }
}

#[test]
fn a_file_that_changed_on_the_workstation_is_not_sealed() {
    let f = fixture();
    let mut changed = f.files.clone();
    changed[0].push(0);
    let result = seal(Vec::new(), &f.server.to_public(), &f.device, &f.manifest, |index, _| {
        Ok(changed[index].as_slice())
    });
    assert!(matches!(result, Err(SealError::AttachmentChanged { name }) if name == "certificate.pdf"));
}

#[test]
fn attachments_stream_through_the_standard_read_trait() {
    let f = fixture();
    let bytes = sealed(&f);
    let mut opened = open(bytes.as_slice(), &f.server).unwrap();
    let mut first = Vec::new();
    opened.next_attachment().unwrap().read_to_end(&mut first).unwrap();
    assert_eq!(first, f.files[0]);
    // Finishing before the last attachment was read is not a whole file.
    assert!(matches!(opened.finish(), Err(OpenError::BadFormat)));
}

#[test]
fn a_sealed_file_is_known_by_its_first_bytes() {
    let f = fixture();
    let bytes = sealed(&f);
    assert!(may_be_sealed(&bytes[..8]) && may_be_sealed(&bytes));
    assert!(may_be_sealed(b""), "nothing yet says otherwise");
    assert!(!may_be_sealed(b"%PDF-1.7"));
    assert!(!may_be_sealed(b"age-encryption.org/v2\n"));
}
