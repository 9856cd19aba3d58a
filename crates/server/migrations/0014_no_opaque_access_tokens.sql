-- Access tokens are JWTs the provider signs and the API verifies: the private sign-in's opaque
-- access tokens are gone, and nothing of a JWT is stored.
DROP TABLE access_tokens;
