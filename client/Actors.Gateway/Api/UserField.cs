namespace Actors.Gateway.Api;

[Flags]
internal enum UserField
{
    None = 0,
    Id = 1 << 0,
    Handle = 1 << 1,
    DisplayName = 1 << 2,
    Bio = 1 << 3,
    Followers = 1 << 4,
    Following = 1 << 5,
    Posts = 1 << 6,
    CreatedAt = 1 << 7,
    UpdatedAt = 1 << 8,
    Email = 1 << 9,
    All = (1 << 10) - 1,
}
