# Messages not yet translated into this language fall back to English.
