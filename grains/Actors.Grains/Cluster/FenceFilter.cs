namespace Actors.Grains.Cluster;

/// <summary>
/// Every grain call this silo takes passes <see cref="MembershipFence"/>: served at once while the silo
/// is confirmed a member, else only after a fresh read of the membership table says it still is.
/// </summary>
internal sealed class FenceFilter(MembershipFence fence) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) => fence.IsCurrent ? context.Invoke() : ConfirmedAsync(context);

    private async Task ConfirmedAsync(IIncomingGrainCallContext context)
    {
        await fence.ConfirmAsync(afterCommit: false);
        await context.Invoke();
    }
}
