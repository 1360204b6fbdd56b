using Actors.Grains.Abstractions;
using Actors.Grains.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Actors.Grains.Outbox;

/// <summary>
/// Moves committed outbox events onto the consumer streams. Every silo runs one; they share the work
/// without ever holding the same event: a claim locks due rows with SKIP LOCKED and leases them (the
/// row is not due again until the lease runs out), so an event whose relay or consumer died is
/// claimed again after <see cref="OutboxOptions.Lease"/>. An event is finished only by its consumer,
/// after its effect is recorded; failures come back after exponential backoff with jitter and are
/// parked as dead letters after <see cref="OutboxOptions.MaxFailures"/> failures. Each relay keeps at most
/// <see cref="OutboxOptions.MaxInFlight"/> events out at once, so a slow consumer builds a backlog in
/// PostgreSQL (visible as actors_outbox_pending), never in memory.
/// </summary>
public sealed partial class OutboxRelay(
    IClusterClient cluster, OutboxStore store, OutboxSignal signal, GrainMetrics metrics, IOptions<OutboxOptions> options,
    IHostApplicationLifetime lifetime, ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly OutboxOptions _options = options.Value;

    /// <summary>This relay's name in leased_by: unique per process, so a restarted silo never counts its predecessor's leases.</summary>
    private readonly string _name = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.RelayEnabled)
        {
            return;
        }

        // Relay only while the silo is up: streams exist once it has started, and the relay stops as
        // soon as shutdown begins, before the silo hands its activations over.
        if (!await Started(stoppingToken).ConfigureAwait(false))
        {
            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var stop = stopping.Token;
        var streams = cluster.GetStreamProvider(StreamNames.Provider);
        while (!stop.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                var batch = await store.ClaimAsync(_name).ConfigureAwait(false);
                claimed = batch.Count;
                if (claimed > 0)
                {
                    await DispatchAsync(streams, batch).ConfigureAwait(false);
                }

            }
            catch (StoreUnavailableException ex)
            {
                LogUnavailable(logger, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Whatever went wrong, the relay keeps going: claimed events come back after their lease.
                LogRelayFailed(logger, ex);
                claimed = 0;
            }

            // A full batch means more may be due: go again at once. Otherwise wait for a nudge or the poll.
            if (claimed < _options.BatchSize)
            {
                try
                {
                    await signal.WaitAsync(_options.PollInterval, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task<bool> Started(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task DispatchAsync(IStreamProvider streams, List<ClaimedEvent> batch)
    {
        var finished = new List<Guid>();
        var publishing = new List<Task>();
        foreach (var claimed in batch)
        {
            if (Data.OutboxEntry.Decode(claimed.EventType, claimed.Payload) is not { } e)
            {
                // No version of this code reads it: retrying cannot help.
                publishing.Add(FailAsync(claimed, $"unknown event type {claimed.EventType}", permanent: true));
            }
            else if (EventRoutes.ConsumerOf(e) is not { } consumer)
            {
                finished.Add(claimed.EventId);
            }
            else
            {
                var stream = streams.GetStream<OutboxDelivery>(EventRoutes.StreamFor(consumer, e.AggregateId, _options.Partitions));
                publishing.Add(PublishAsync(stream, new OutboxDelivery(e, claimed.Attempt, claimed.TraceParent), claimed));
            }
        }

        if (finished.Count > 0)
        {
            await store.CompleteAsync(finished).ConfigureAwait(false);
        }

        await Task.WhenAll(publishing).ConfigureAwait(false);
        metrics.Relayed(batch.Count);
    }

    private async Task PublishAsync(IAsyncStream<OutboxDelivery> stream, OutboxDelivery delivery, ClaimedEvent claimed)
    {
        using var span = OutboxTracing.Start($"outbox relay {claimed.EventType}", System.Diagnostics.ActivityKind.Producer,
            claimed.EventId, claimed.EventType, claimed.TraceParent);
        try
        {
            await stream.OnNextAsync(delivery).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            await FailAsync(claimed, ex.Message).ConfigureAwait(false);
        }
    }

    private async Task FailAsync(ClaimedEvent claimed, string reason, bool permanent = false)
    {
        try
        {
            await store.FailAsync(claimed.EventId, claimed.Attempt, reason, permanent).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // The lease runs out and the event is claimed again.
        }

        LogPublishFailed(logger, claimed.EventId, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay paused, PostgreSQL unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay pass failed; retrying")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand event {EventId} to its consumer: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, Guid eventId, string reason);

}
