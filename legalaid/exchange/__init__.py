"""Exchange between offices: office identities and keys, and the sealed exchange file."""
