using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Events;
using Actors.Grains.Data;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace Actors.Grains.Outbox;

/// <summary>
/// A partition of one kind of background work, subscribed implicitly to its stream. It applies each
/// event, then marks it done in the outbox (batched with the silo's other finished deliveries, not
/// awaited); a failure schedules a retry (or parks the event).
/// </summary>
/// <remarks>
/// Only an event's latest claim can schedule its retry or park it; any delivery that applied it
/// finishes it. A copy still queued when its lease ran out is applied too (the relay cannot recall
/// it), but an aggregate's deliveries arrive in order on one stream, so that copy comes before the
/// later claim's and before any later event of the same aggregate. What is left is an effect applied
/// twice: a stale copy, a silo dying before the completion was written, or the completion failing.
/// So effects must tolerate a repeat: each consumer's own is idempotent or carries the event id, as
/// the welcome email's Message-ID does. A consumer whose effect leaves the system
/// (<see cref="ExternalEffect"/>) asks the outbox first whether its delivery is current, and waits
/// for each completion, so a crash repeats at most the one effect it was applying.
/// </remarks>
public abstract partial class EventConsumer(OutboxStore store, GrainMetrics metrics, TimeProvider clock, ILogger logger)
    : Grain, IStreamSubscriptionObserver, IAsyncObserver<OutboxDelivery>
{
    /// <summary>The consumer's name in metrics and logs.</summary>
    protected abstract string Name { get; }

    protected abstract Task ApplyAsync(IDomainEvent e);

    /// <summary>
    /// Whether a repeat of the effect is visible outside the system, such as a second email. Then each
    /// delivery is checked against the outbox before it is applied (one query each), so a stale or
    /// repeated copy is skipped, and the next delivery waits until this one is marked done.
    /// </summary>
    protected virtual bool ExternalEffect => false;

    /// <summary>
    /// Whether retrying can help: the database or the network was away, or an operation timed out. Any
    /// other exception is a defect of the event or of the code, and the event is parked at once rather
    /// than retried; an operator replays it after the fix.
    /// </summary>
    protected virtual bool IsTransient(Exception exception) => exception is StoreUnavailableException or TimeoutException
        or OperationCanceledException or IOException or System.Net.Sockets.SocketException or OrleansException;

    /// <summary>The failure as the outbox records it (last_error), for operators reading dead letters.</summary>
    protected virtual string Describe(Exception exception) => $"{exception.GetType().Name}: {exception.Message}";

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<OutboxDelivery>().ResumeAsync(this);

    public async Task OnNextAsync(OutboxDelivery item, StreamSequenceToken? token = null)
    {
        var e = item.Event;
        using var span = OutboxTracing.Start($"outbox consume {Name}", System.Diagnostics.ActivityKind.Consumer,
            e.EventId, e.GetType().Name, item.TraceParent);
        try
        {
            if (ExternalEffect && !await store.IsCurrentAsync(e.EventId, item.Attempt))
            {
                metrics.Consumed(Name, "duplicate", clock.GetUtcNow() - e.OccurredAt);
                return;
            }

            await ApplyAsync(e);
        }
        catch (Exception ex)
        {
            // A timeout (OperationCanceledException) is a failure like any other: retried with backoff.
            LogFailed(logger, Name, e.EventId, item.Attempt, ex);
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            string outcome;
            try
            {
                outcome = await store.FailAsync(e.EventId, item.Attempt, Describe(ex), permanent: !IsTransient(ex))
                    ? "dead_lettered" : "retry";
            }
            catch (StoreUnavailableException)
            {
                outcome = "retry"; // the lease runs out and the event comes back
            }

            metrics.Consumed(Name, outcome, clock.GetUtcNow() - e.OccurredAt);
            return;
        }

        // Otherwise the next delivery need not wait for this one's bookkeeping: if it is lost, the lease
        // runs out and the event is delivered again.
        var completed = Completed(e);
        if (ExternalEffect)
        {
            await completed;
        }
    }

    private async Task Completed(IDomainEvent e)
    {
        string outcome;
        try
        {
            outcome = await store.CompleteAsync(e.EventId).ConfigureAwait(false) ? "done" : "duplicate";
        }
        catch (Exception ex)
        {
            LogCompletionLost(logger, Name, e.EventId, ex.Message);
            outcome = "retry";
        }

        metrics.Consumed(Name, outcome, clock.GetUtcNow() - e.OccurredAt);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer} applied event {EventId} but could not mark it done; it comes back after its lease: {Reason}")]
    private static partial void LogCompletionLost(ILogger logger, string consumer, Guid eventId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Consumer} failed event {EventId} on attempt {Attempt}")]
    private static partial void LogFailed(ILogger logger, string consumer, Guid eventId, int attempt, Exception exception);
}
