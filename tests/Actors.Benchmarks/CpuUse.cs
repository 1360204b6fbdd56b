namespace Actors.Benchmarks;

/// <summary>
/// CPU seconds spent over a window: the machine's busy time and each named group's, and what no group
/// accounts for (other processes, and processes that exited during the window, such as a pooled
/// PostgreSQL connection closing).
/// </summary>
internal sealed record CpuWindow(double Machine, IReadOnlyDictionary<string, double> Groups)
{
    public static CpuWindow Zero { get; } = new(0, new Dictionary<string, double>());

    public double Unaccounted => Machine - Groups.Values.Sum();

    public static CpuWindow operator +(CpuWindow a, CpuWindow b) => new(
        a.Machine + b.Machine,
        a.Groups.Keys.Union(b.Groups.Keys).ToDictionary(g => g, g => a.Groups.GetValueOrDefault(g) + b.Groups.GetValueOrDefault(g)));
}

/// <summary>
/// A reading of CPU time from /proc: the machine's busy time (user, nice, system, interrupts, steal) and
/// the time of each process in named groups. <see cref="Since"/> turns two readings into a window; a
/// process counts only while it lives.
/// </summary>
internal sealed class CpuUse
{
    // Linux reports process and machine times in USER_HZ ticks, 100 per second on every platform .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly Dictionary<string, Dictionary<int, double>> _processes;

    private CpuUse(double machine, Dictionary<string, Dictionary<int, double>> processes)
    {
        Machine = machine;
        _processes = processes;
    }

    /// <summary>Seconds the machine's cores were busy.</summary>
    public double Machine { get; }

    /// <summary>Now, for the given groups of process ids plus every process whose command is one of <paramref name="commands"/>.</summary>
    public static CpuUse Read(IReadOnlyDictionary<string, IEnumerable<int>> groups, IReadOnlyDictionary<string, string> commands)
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse).ToArray();
        var machine = (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / TicksPerSecond;
        var processes = groups.ToDictionary(g => g.Key, g => Times(g.Value));
        var running = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : -1)
            .Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Command: Command(pid)))
            .ToList();
        foreach (var (group, command) in commands)
        {
            processes[group] = Times(running.Where(p => p.Command == command).Select(p => p.Pid));
        }

        return new CpuUse(machine, processes);
    }

    /// <summary>The window from <paramref name="earlier"/> to this reading: per process, its time since (all of it for one started meanwhile).</summary>
    public CpuWindow Since(CpuUse earlier) => new(
        Machine - earlier.Machine,
        _processes.ToDictionary(g => g.Key, g => g.Value.Sum(p =>
            p.Value - (earlier._processes.TryGetValue(g.Key, out var before) ? before.GetValueOrDefault(p.Key) : 0))));

    private static Dictionary<int, double> Times(IEnumerable<int> pids) =>
        pids.Select(pid => (Pid: pid, Seconds: ProcessSeconds(pid))).Where(p => p.Seconds is not null).ToDictionary(p => p.Pid, p => p.Seconds!.Value);

    private static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
    }

    // utime and stime, the 14th and 15th fields; the command name (2nd) may hold spaces, so count from its closing parenthesis.
    private static double? ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(rest[11]) + long.Parse(rest[12])) / TicksPerSecond;
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
    }
}
