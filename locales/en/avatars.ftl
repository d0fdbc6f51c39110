# Avatars: the settings section, its notices and the reasons a picture is refused.
settings-avatar-heading = Avatar
settings-avatar-uploaded = This is the picture you uploaded.
settings-avatar-drawn = This picture is drawn from your name. You may upload your own instead.
settings-avatar-file-label = Your picture (PNG, JPEG or WebP)
settings-avatar-hint = At most { $max_kib } KiB. It is cropped to a square of { $side } pixels, and everything the file holds besides the picture (camera, date, GPS position) is removed.
settings-avatar-submit = Upload the picture
settings-avatar-remove = Remove my picture
notice-avatar-saved = Your picture is now your avatar.
notice-avatar-removed = Your picture was removed: your avatar is drawn from your name again.
error-image-too-large = This picture is too large: at most { $max_kib } KiB.
error-image-too-many-pixels = This picture is too large: at most { $max_side } pixels wide and high.
error-image-unsupported = This file is not a PNG, JPEG or WebP picture.
error-image-missing = Choose a picture to upload.
error-image-invalid = This picture could not be read: the file may be damaged.
settings-avatar-not-yet = You may upload a picture once you may post (your address confirmed).
