using Actors.Grains.Data;
using Actors.Grains.Events;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Grains.Outbox;

/// <summary>
/// A partition of one kind of background work, subscribed implicitly to its stream. It applies each
/// event, then marks it done in the outbox; a failure schedules a retry (or parks the event).
/// </summary>
/// <remarks>
/// A delivery is applied only while the outbox says it is current: the event unfinished and this
/// delivery its latest claim. So a copy still queued when its lease ran out, or one arriving after the
/// event was done, changes nothing. What is left is an effect whose completion was not recorded: a
/// silo dying between the two (at most one delivery per consumer grain on it), or the completion
/// failing (the event is retried). So effects must tolerate a repeat: each consumer's own is
/// idempotent or carries the event id, as the welcome email's Message-ID does.
/// </remarks>
public abstract partial class EventConsumer(OutboxStore store, GrainMetrics metrics, TimeProvider clock, ILogger logger)
    : Grain, IStreamSubscriptionObserver, IAsyncObserver<OutboxDelivery>
{
    /// <summary>The consumer's name in metrics and logs.</summary>
    protected abstract string Name { get; }

    protected abstract Task ApplyAsync(IDomainEvent e);

    /// <summary>The failure as the outbox records it (last_error), for operators reading dead letters.</summary>
    protected virtual string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<OutboxDelivery>().ResumeAsync(this);

    public async Task OnNextAsync(OutboxDelivery item, StreamSequenceToken? token = null)
    {
        var e = item.Event;
        string outcome;
        try
        {
            if (await store.IsCurrentAsync(e.EventId, item.Attempt).ConfigureAwait(true))
            {
                await ApplyAsync(e).ConfigureAwait(true);
                outcome = await store.CompleteAsync(e.EventId).ConfigureAwait(true) ? "done" : "duplicate";
            }
            else
            {
                outcome = "duplicate";
            }
        }
        catch (Exception ex)
        {
            // A timeout (OperationCanceledException) is a failure like any other: retried with backoff.
            LogFailed(logger, Name, e.EventId, item.Attempt, ex);
            try
            {
                outcome = await store.FailAsync(e.EventId, item.Attempt, Describe(ex)).ConfigureAwait(true)
                    ? "dead_lettered" : "retry";
            }
            catch (StoreUnavailableException)
            {
                outcome = "retry"; // the lease runs out and the event comes back
            }
        }

        metrics.Consumed(Name, outcome, clock.GetUtcNow() - e.OccurredAt);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer} failed event {EventId} on attempt {Attempt}")]
    private static partial void LogFailed(ILogger logger, string consumer, Guid eventId, int attempt, Exception exception);
}
