using System.Diagnostics;

namespace Actors.Grains.Tests;

/// <summary>
/// Counts the SQL commands Npgsql actually sends on behalf of one trace: the test starts a root activity,
/// Orleans carries its context through every grain call, and each command or batch Npgsql executes is
/// one activity of that trace carrying its SQL text (one round trip). Nothing is inferred from reading code.
/// </summary>
internal sealed class SqlTrace : IDisposable
{
    private static readonly ActivitySource Source = new("Actors.Grains.Tests");
    private readonly ActivityListener _listener;
    private readonly Activity _root;
    private readonly List<string> _statements = [];

    private SqlTrace()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" or "Actors.Grains.Tests" || s.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = OnStopped,
        };
        ActivitySource.AddActivityListener(_listener);
        _root = Source.StartActivity("test") ?? throw new InvalidOperationException("The test activity was not sampled.");
    }

    public static SqlTrace Start() => new();

    /// <summary>The statements sent so far in this trace.</summary>
    public IReadOnlyList<string> Statements
    {
        get
        {
            lock (_statements)
            {
                return [.. _statements];
            }
        }
    }

    private void OnStopped(Activity activity)
    {
        if (activity.Source.Name != "Npgsql" || activity.TraceId != _root.TraceId || activity.Kind != ActivityKind.Client)
        {
            return;
        }

        // Opening a physical connection is traced too; only executed statements count.
        if ((activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) is not string text)
        {
            return;
        }

        lock (_statements)
        {
            _statements.Add(text);
        }
    }

    public void Dispose()
    {
        _root.Stop();
        _listener.Dispose();
    }
}
