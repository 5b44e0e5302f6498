"""The one error the engine raises: the input cannot be read at all."""


class ExtractionError(Exception):
    """Undecodable bytes, an empty body, or a media type the engine does not read yet."""
