namespace Actors.Gateway.Api;

[Flags]
internal enum PostField
{
    None = 0,
    Id = 1 << 0,
    AuthorId = 1 << 1,
    Body = 1 << 2,
    Likes = 1 << 3,
    CreatedAt = 1 << 4,
    All = (1 << 5) - 1,
}
