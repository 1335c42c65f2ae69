//! Capture date detection: file name, EXIF, TIFF tags.
