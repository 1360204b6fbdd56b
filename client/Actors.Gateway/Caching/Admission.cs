using System.Numerics;
using System.Runtime.InteropServices;

namespace Actors.Gateway.Caching;

/// <summary>
/// Which keys of one kind have proved hot enough to be activated and leased: a key is admitted on its
/// second read within the window, and its first read is served without activating anything. A doorkeeper
/// in the manner of TinyLFU: reads are remembered in two generations of a Bloom filter; a generation lasts
/// <see cref="NearCacheOptions.AdmissionWindow"/> or <see cref="NearCacheOptions.AdmissionKeys"/> first
/// reads, whichever ends first, so a read is remembered for one to two windows.
/// </summary>
/// <remarks>
/// A filter errs one way only: a key it has not seen may pass (under 1 in 200 while both generations are
/// full), and costs an activation; a key it has seen is always admitted. Races are harmless either way: a lost
/// mark costs one more read without activation, a stray one an early activation.
/// </remarks>
internal sealed class Admission
{
    private const int Probes = 4;
    private const int BitsPerKey = 16;

    private readonly TimeProvider _clock;
    private readonly long _window;
    private readonly int _keys;
    private readonly ulong _mask;
    private readonly ulong _seed = (ulong)Random.Shared.NextInt64();
    private readonly Lock _turn = new();
    private long[] _current;
    private long[] _previous;
    private int _added;
    private long _started;

    public Admission(TimeSpan window, int keys, TimeProvider clock)
    {
        _clock = clock;
        _window = (long)(window.TotalSeconds * clock.TimestampFrequency);
        _keys = keys;
        var bits = BitOperations.RoundUpToPowerOf2((ulong)keys * BitsPerKey);
        _mask = bits - 1;
        _current = new long[bits / 64];
        _previous = new long[bits / 64];
        _started = clock.GetTimestamp();
    }

    /// <summary>True when <paramref name="id"/> was read before within the window; remembers this read either way.</summary>
    public bool Admit(Guid id)
    {
        var now = _clock.GetTimestamp();
        if (now - Volatile.Read(ref _started) >= _window)
        {
            Turn(now);
        }

        var (h1, h2) = Hash(id);
        var current = Volatile.Read(ref _current);
        if (Contains(current, h1, h2))
        {
            return true;
        }

        // Seen in the previous generation: admitted, and remembered in this one too, so a key read once
        // per window stays admitted (it matters again when the near cache evicts its entry).
        var admitted = Contains(Volatile.Read(ref _previous), h1, h2);
        Mark(current, h1, h2);
        if (Interlocked.Increment(ref _added) >= _keys)
        {
            Turn(now);
        }

        return admitted;
    }

    // The current generation becomes the previous one; the oldest is cleared and starts again.
    private void Turn(long now)
    {
        lock (_turn)
        {
            if (now - _started < _window && Volatile.Read(ref _added) < _keys)
            {
                return;
            }

            var oldest = _previous;
            _previous = _current;
            Array.Clear(oldest);
            Volatile.Write(ref _current, oldest);
            Volatile.Write(ref _added, 0);
            Volatile.Write(ref _started, now);
        }
    }

    private bool Contains(long[] filter, ulong h1, ulong h2)
    {
        for (var i = 0UL; i < Probes; i++)
        {
            var bit = (h1 + i * h2) & _mask;
            if ((Volatile.Read(ref filter[bit >> 6]) & (1L << (int)(bit & 63))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private void Mark(long[] filter, ulong h1, ulong h2)
    {
        for (var i = 0UL; i < Probes; i++)
        {
            var bit = (h1 + i * h2) & _mask;
            Interlocked.Or(ref filter[bit >> 6], 1L << (int)(bit & 63));
        }
    }

    // Two independent 64-bit hashes of the id's two halves (SplitMix64's finalizer), seeded per process
    // so that nobody can choose ids that collide here.
    private (ulong, ulong) Hash(Guid id)
    {
        var halves = MemoryMarshal.Cast<Guid, ulong>(MemoryMarshal.CreateReadOnlySpan(ref id, 1));
        var h1 = Mix(halves[0] ^ Mix(halves[1] ^ _seed));
        var h2 = Mix(h1 ^ 0x9E3779B97F4A7C15UL) | 1;
        return (h1, h2);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
