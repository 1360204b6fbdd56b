using System.Globalization;
using Actors.Grains.Outbox;

namespace Actors.Silo;

/// <summary>
/// <c>Actors.Silo outbox dead-letters</c> lists parked events with their last error;
/// <c>Actors.Silo outbox replay &lt;event-id|all&gt;</c> queues them again with fresh attempts.
/// </summary>
internal static class OutboxCommands
{
    public static async Task<int> RunAsync(OutboxStore store, string[] args, TextWriter output)
    {
        switch (args)
        {
            case ["dead-letters", ..]:
                var parked = await store.DeadLettersAsync(1000).ConfigureAwait(false);
                foreach (var d in parked)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{d.EventId}  {d.EventType,-20} aggregate {d.AggregateId}  {d.Failures} failures in {d.Attempts} deliveries  parked {d.DeadLetteredAt:u}  {d.LastError}"));
                }

                output.WriteLine($"{parked.Count} dead-lettered event(s)");
                return 0;
            case ["replay", "all", ..]:
                return Replayed(await store.ReplayAsync(null).ConfigureAwait(false), output);
            case ["replay", var id, ..] when Guid.TryParse(id, out var eventId):
                var replayed = await store.ReplayAsync(eventId).ConfigureAwait(false);
                if (replayed.Count == 0)
                {
                    output.WriteLine($"no dead-lettered event {eventId}");
                    return 1;
                }

                return Replayed(replayed, output);
            default:
                output.WriteLine("usage: Actors.Silo outbox dead-letters | outbox replay <event-id|all>");
                return 2;
        }
    }

    private static int Replayed(List<Guid> events, TextWriter output)
    {
        output.WriteLine($"{events.Count} event(s) queued again");
        return 0;
    }
}
