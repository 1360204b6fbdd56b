using System.ComponentModel.DataAnnotations;

namespace Actors.Grains.Outbox;

/// <summary>The outbox relay and its consumers. Bound from the "Outbox" section.</summary>
public sealed class OutboxOptions : IValidatableObject
{
    public const string Section = "Outbox";

    /// <summary>Run a relay in this silo (every silo does by default; they never claim the same event).</summary>
    public bool RelayEnabled { get; set; } = true;

    /// <summary>Events claimed per query.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Events one relay has handed to consumers and not yet seen finished: the backpressure bound.</summary>
    public int MaxInFlight { get; set; } = 1000;

    /// <summary>
    /// How long a claimed event is left to its consumer before it is due again (a silo died, a message
    /// was lost). Keep it above the slowest consumer's own timeout (Email:Timeout).
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle relay looks for due events; a write in the same silo wakes it at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Failed deliveries before an event is parked as dead-lettered (an operator can replay it). A
    /// delivery lost with its silo is no failure. With the default delays the retries span 14 to 28
    /// minutes, so an SMTP outage of ten minutes parks nothing.
    /// </summary>
    public int MaxFailures { get; set; } = 14;

    /// <summary>Delay after the first failure; it doubles each failure, with jitter (half to all of it), up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Consumer grains per kind of work; events of one aggregate always go to the same one, in order.</summary>
    public int Partitions { get; set; } = 16;

    /// <summary>
    /// How long a consumer's finished delivery waits for others before they are all marked done in one
    /// statement. Longer means fewer transactions under load and events showing as pending that much longer.
    /// </summary>
    public TimeSpan CompletionLinger { get; set; } = TimeSpan.FromMilliseconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BatchSize is < 1 or > 1000)
        {
            yield return new ValidationResult("Outbox:BatchSize must be 1 to 1000.", [nameof(BatchSize)]);
        }

        if (MaxInFlight < BatchSize)
        {
            yield return new ValidationResult("Outbox:MaxInFlight must be at least BatchSize.", [nameof(MaxInFlight)]);
        }

        if (Lease <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero || RetryBaseDelay <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Outbox:Lease, PollInterval and RetryBaseDelay must be above zero.", [nameof(Lease), nameof(PollInterval), nameof(RetryBaseDelay)]);
        }

        if (MaxFailures is < 1 or > 100)
        {
            yield return new ValidationResult("Outbox:MaxFailures must be 1 to 100.", [nameof(MaxFailures)]);
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            yield return new ValidationResult("Outbox:RetryMaxDelay must be at least RetryBaseDelay.", [nameof(RetryMaxDelay)]);
        }

        if (Partitions is < 1 or > 1024)
        {
            yield return new ValidationResult("Outbox:Partitions must be 1 to 1024.", [nameof(Partitions)]);
        }

        if (CompletionLinger < TimeSpan.Zero || CompletionLinger > TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Outbox:CompletionLinger must be between zero and one second.", [nameof(CompletionLinger)]);
        }
    }
}
