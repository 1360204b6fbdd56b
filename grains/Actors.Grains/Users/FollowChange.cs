using Actors.Grains.Abstractions.Users;
namespace Actors.Grains.Users;

/// <summary>What a follow or unfollow statement did.</summary>
/// <param name="TargetExists">The followed user exists (otherwise nothing changed).</param>
/// <param name="Follower">The follower's counters when the follow row changed, else null.</param>
/// <param name="Followee">The followee's counters when the follow row changed, else null.</param>
internal readonly record struct FollowChange(bool TargetExists, UserCounters? Follower, UserCounters? Followee);
