//! Ids the app chooses for the records it creates (a qualification's draft, an application):
//! 16 random bytes as 32 hex characters, as the server expects. A leaf.

/// A new random record id.
pub fn new_record_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(masar_protocol::RecordId::from_bytes(bytes).to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_are_32_hex_characters_and_differ() -> Result<(), getrandom::Error> {
        let (a, b) = (super::new_record_id()?, super::new_record_id()?);
        assert!(masar_protocol::RecordId::parse(&a).is_some(), "{a}");
        assert_ne!(a, b);
        Ok(())
    }
}
