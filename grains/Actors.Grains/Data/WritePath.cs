using Actors.Grains.Abstractions;
using Actors.Grains.Cluster;
using Actors.Grains.Outbox;
using Npgsql;

namespace Actors.Grains.Data;

/// <summary>
/// The one path of a grain write: one statement (the row change and its outbox event) in its own
/// transaction, or in one with other writes of this silo (<see cref="GroupCommit"/>); an integrity violation becomes a refusal and leaves memory as it was; an unknown outcome
/// makes memory reload; after the commit, memory changes, then every holder of a copy (leases of
/// gateways' near caches, silo copies, other grains' counters) is told, then the relay is woken, then the
/// caller hears the reply.
/// </summary>
public sealed class WritePath(Database database, GroupCommit groups, OutboxSignal outbox, MembershipFence fence)
{
    internal async Task<TReply> RunAsync<TRow, TReply>(GrainWrite<TRow, TReply> write)
    {
        TRow row;
        try
        {
            row = write.Grouped is { } grouped
                ? await groups.WriteAsync(write.Operation, grouped)
                : await database.WriteAsync(write.Operation, write.Statement ?? throw new ArgumentException("The write states no statement.", nameof(write)));
        }
        catch (PostgresException ex) when (write.Refusal(ex) is { } refused)
        {
            return refused;
        }
        catch (StoreUnavailableException ex) when (ex.OutcomeUnknown)
        {
            await Task.WhenAll(write.Unknown(), write.Holders?.RevokeAsync() ?? Task.CompletedTask);
            throw;
        }

        // Paused between the commit and here long enough to be declared dead: a new activation may hold
        // this row by now, with holders this one does not know. Acknowledge nothing.
        await fence.ConfirmAsync(afterCommit: true);

        // Memory and the revocation in one turn: a lease granted after it hands out the new value.
        var reply = write.Apply(row);
        var revoked = write.Holders?.RevokeAsync() ?? Task.CompletedTask;
        await Task.WhenAll(revoked, write.Announce?.Invoke(row) ?? Task.CompletedTask);

        if (write.Announces)
        {
            outbox.Nudge();
        }

        return reply;
    }
}
