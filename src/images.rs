//! Pictures people upload (avatars): decoded within limits, squared, resized and encoded
//! again, server-side. Decoding then encoding keeps the pixels only, so nothing a camera or an
//! editor wrote in the file (Exif with its GPS position, XMP, IPTC, comments, ICC profiles)
//! survives. Only PNG, JPEG and WebP are read; the result is a JPEG, or a PNG when the picture
//! has transparency.
//!
//! This module knows nothing of storage or HTTP: its errors (`ImageError`) become answers in
//! `web::error`. The work is CPU-bound: callers run it off the async threads.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// What an upload may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Largest width and height accepted, in pixels (against decompression bombs).
    pub max_side: u32,
    /// Largest decoded picture, in bytes (width × height × bytes per pixel).
    pub max_decoded_bytes: u64,
}

/// Why a picture was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The file is larger than `max_bytes`.
    #[error("file larger than {max_bytes} bytes")]
    TooLarge { max_bytes: usize },
    /// The picture is wider or taller than allowed, or too large once decoded.
    #[error("picture larger than {max_side} pixels a side")]
    TooManyPixels { max_side: u32 },
    /// Not a PNG, JPEG or WebP file.
    #[error("not a PNG, JPEG or WebP picture")]
    Unsupported,
    /// No file was sent.
    #[error("no file")]
    Missing,
    /// Announced as a picture, but it could not be read.
    #[error("unreadable picture")]
    Invalid(#[source] image::ImageError),
    /// Encoding the result failed (a bug, not the sender's fault).
    #[error("encoding failed")]
    Encode(#[source] image::ImageError),
}

/// A picture ready to store.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The encoded file.
    pub bytes: Vec<u8>,
    /// Its media type (`image/jpeg` or `image/png`).
    pub content_type: &'static str,
    /// The extension its address ends with (`jpg` or `png`).
    pub extension: &'static str,
}

/// JPEG quality of the pictures made (small faces, viewed small).
const JPEG_QUALITY: u8 = 85;

/// Decodes `bytes` (PNG, JPEG or WebP, within `limits`), turns it upright as its Exif
/// orientation says, crops the middle square and resizes it to `side` pixels a side, and
/// encodes it again without any metadata.
pub fn square_thumbnail(bytes: &[u8], side: u32, limits: &Limits) -> Result<Encoded, ImageError> {
    if bytes.is_empty() {
        return Err(ImageError::Missing);
    }
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let format = image::guess_format(bytes).map_err(|_| ImageError::Unsupported)?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP
    ) {
        return Err(ImageError::Unsupported);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut decode_limits = image::Limits::default();
    decode_limits.max_image_width = Some(limits.max_side);
    decode_limits.max_image_height = Some(limits.max_side);
    decode_limits.max_alloc = Some(limits.max_decoded_bytes);
    reader.limits(decode_limits);
    let too_big = ImageError::TooManyPixels {
        max_side: limits.max_side,
    };
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels {
            max_side: limits.max_side,
        },
        other => ImageError::Invalid(other),
    })?;
    if decoder.total_bytes() > limits.max_decoded_bytes {
        return Err(too_big);
    }
    // A picture whose Exif cannot be read is shown as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_big,
        other => ImageError::Invalid(other),
    })?;
    picture.apply_orientation(orientation);
    let square = picture.resize_to_fill(side, side, FilterType::Lanczos3);
    let mut out = Vec::with_capacity(16 * 1024);
    if square.color().has_alpha() {
        square
            .to_rgba8()
            .write_with_encoder(PngEncoder::new(&mut out))
            .map_err(ImageError::Encode)?;
        Ok(Encoded {
            bytes: out,
            content_type: "image/png",
            extension: "png",
        })
    } else {
        square
            .to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
            .map_err(ImageError::Encode)?;
        Ok(Encoded {
            bytes: out,
            content_type: "image/jpeg",
            extension: "jpg",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_bytes: 1 << 20,
        max_side: 512,
        max_decoded_bytes: 8 << 20,
    };

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let picture = if alpha {
            DynamicImage::new_rgba8(width, height)
        } else {
            DynamicImage::new_rgb8(width, height)
        };
        picture
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn pictures_are_squared_and_resized() {
        let made = square_thumbnail(&png(300, 200, false), 64, &LIMITS).expect("thumbnail");
        assert_eq!(made.content_type, "image/jpeg");
        let back = image::load_from_memory(&made.bytes).expect("decodes");
        assert_eq!((back.width(), back.height()), (64, 64));
        let made = square_thumbnail(&png(20, 30, true), 64, &LIMITS).expect("thumbnail");
        assert_eq!(made.content_type, "image/png");
        let mut webp = Vec::new();
        DynamicImage::new_rgb8(20, 10)
            .write_to(&mut Cursor::new(&mut webp), ImageFormat::WebP)
            .expect("webp");
        let made = square_thumbnail(&webp, 32, &LIMITS).expect("thumbnail");
        assert_eq!(made.extension, "jpg");
    }

    #[test]
    fn bad_files_are_refused() {
        assert!(matches!(
            square_thumbnail(b"", 64, &LIMITS),
            Err(ImageError::Missing)
        ));
        assert!(matches!(
            square_thumbnail(b"GIF89a and more", 64, &LIMITS),
            Err(ImageError::Unsupported)
        ));
        assert!(matches!(
            square_thumbnail(b"hello, not a picture", 64, &LIMITS),
            Err(ImageError::Unsupported)
        ));
        let mut broken = png(10, 10, false);
        broken.truncate(40);
        assert!(matches!(
            square_thumbnail(&broken, 64, &LIMITS),
            Err(ImageError::Invalid(_))
        ));
        assert!(matches!(
            square_thumbnail(&png(600, 10, false), 64, &LIMITS),
            Err(ImageError::TooManyPixels { .. })
        ));
        let small = Limits {
            max_bytes: 10,
            ..LIMITS
        };
        assert!(matches!(
            square_thumbnail(&png(10, 10, false), 64, &small),
            Err(ImageError::TooLarge { .. })
        ));
    }
}
