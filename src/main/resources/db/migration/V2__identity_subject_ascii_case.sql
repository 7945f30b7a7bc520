-- The identity rule (SPEC §2): only ASCII letters fold. V1's check compared the subject with lower(), which
-- maps every letter the database's locale knows (the Kelvin sign, U+2C2F, Ä), so it rejected subjects the
-- service accepts as they are: a 503 for input the service had found valid. The check now lower-cases
-- A-Z alone, exactly as account/Identity.java does. Every row V1 accepted passes it.

ALTER TABLE identities DROP CONSTRAINT identities_subject_check;

ALTER TABLE identities ADD CONSTRAINT identities_subject_check CHECK (
    (kind = 'email' AND subject = btrim(subject)
        AND subject = translate(subject, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
        AND length(subject) BETWEEN 3 AND 254)
    OR (kind = 'telegram' AND subject ~ '^[1-9][0-9]{0,19}$'));
