namespace Actors.Grains.Abstractions;

/// <summary>Stable machine-readable reasons. They appear as the <c>code</c> of HTTP problem responses: never rename one.</summary>
public static class ErrorCodes
{
    public const string UserExists = "user_exists";
    public const string UserNotFound = "user_not_found";
    public const string EmailTaken = "email_taken";
    public const string HandleTaken = "handle_taken";
    public const string VersionMismatch = "version_mismatch";
    public const string PostExists = "post_exists";
    public const string PostNotFound = "post_not_found";
    public const string AuthorNotFound = "author_not_found";
    public const string NotAuthor = "not_author";
    public const string CannotFollowSelf = "cannot_follow_self";
    public const string IdempotencyKeyInUse = "idempotency_key_in_use";
    public const string InvalidAvatar = "invalid_avatar";
    public const string UnsupportedImageType = "unsupported_image_type";
    public const string SignUpNotFound = "sign_up_not_found";
}
