-- Records by kind and id, as sync carries them (the profile now; qualifications, training
-- applications and the rest next), instead of the one profile row.
CREATE TABLE server_records (
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    version INTEGER NOT NULL,
    json    TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT;

INSERT INTO server_records (kind, id, version, json)
    SELECT 'profile', json_extract(json, '$.nationalId'), version, json FROM server_profile;

DROP TABLE server_profile;
