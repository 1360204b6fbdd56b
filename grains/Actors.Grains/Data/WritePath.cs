using Actors.Grains.Outbox;
using Npgsql;

namespace Actors.Grains.Data;

/// <summary>
/// The one path of a grain write: one statement (the row change and its outbox event) in its own
/// transaction; an integrity violation becomes a refusal and leaves memory as it was; an unknown outcome
/// makes memory reload; after the commit, memory changes, then every holder of a copy is told, then the
/// relay is woken, then the caller hears the reply.
/// </summary>
public sealed class WritePath(Database database, OutboxSignal outbox)
{
    internal async Task<TReply> RunAsync<TRow, TReply>(GrainWrite<TRow, TReply> write)
    {
        TRow row;
        try
        {
            row = await database.WriteAsync(write.Operation, write.Statement).ConfigureAwait(true);
        }
        catch (PostgresException ex) when (write.Refusal(ex) is { } refused)
        {
            return refused;
        }
        catch (StoreUnavailableException ex) when (ex.OutcomeUnknown)
        {
            await write.Unknown().ConfigureAwait(true);
            throw;
        }

        var reply = write.Apply(row);
        if (write.Announce is { } announce)
        {
            await announce(row).ConfigureAwait(true);
        }

        if (write.Announces)
        {
            outbox.Nudge();
        }

        return reply;
    }
}
