# Avatars : la section des paramètres, ses messages et les raisons d’un refus d’image.
settings-avatar-heading = Avatar
settings-avatar-uploaded = C’est l’image que vous avez envoyée.
settings-avatar-drawn = Cette image est dessinée à partir de votre nom. Vous pouvez envoyer la vôtre à la place.
settings-avatar-file-label = Votre image (PNG, JPEG ou WebP)
settings-avatar-hint = { $max_kib } Kio au plus. Elle est recadrée en un carré de { $side } pixels, et tout ce que le fichier contient d’autre que l’image (appareil, date, position GPS) est supprimé.
settings-avatar-submit = Envoyer l’image
settings-avatar-remove = Retirer mon image
notice-avatar-saved = Votre image est maintenant votre avatar.
notice-avatar-removed = Votre image a été retirée : votre avatar est de nouveau dessiné à partir de votre nom.
error-image-too-large = Cette image est trop lourde : { $max_kib } Kio au plus.
error-image-too-many-pixels = Cette image est trop grande : { $max_side } pixels de large et de haut au plus.
error-image-unsupported = Ce fichier n’est pas une image PNG, JPEG ou WebP.
error-image-missing = Choisissez une image à envoyer.
error-image-invalid = Cette image n’a pas pu être lue : le fichier est peut-être abîmé.
settings-avatar-not-yet = Vous pourrez envoyer une image dès que vous pourrez publier (adresse confirmée).
