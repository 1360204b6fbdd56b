using System.Buffers.Binary;
using Actors.Grains.Abstractions.Events;

namespace Actors.Grains.Outbox;

/// <summary>
/// Which consumer stream an event goes to. Each kind of work has a stream namespace with a fixed number
/// of partitions; an aggregate's events always land in the same partition, so its consumer sees them
/// in commit order. Events nothing consumes are finished by the relay itself.
/// </summary>
public static class EventRoutes
{
    public const string AccountMail = "account-mail";
    public const string FanOut = "fan-out";
    public const string Avatars = "avatars";

    public static string? ConsumerOf(IDomainEvent e) => e switch
    {
        SignUpRequested or UserSignedUp => AccountMail,
        PostCreated or PostDeleted => FanOut,
        AvatarUploaded => Avatars,
        _ => null,
    };

    public static StreamId StreamFor(string consumer, Guid aggregateId, int partitions)
    {
        Span<byte> bytes = stackalloc byte[16];
        aggregateId.TryWriteBytes(bytes);
        // The last bytes of a UUIDv7 are random, so they spread aggregates evenly.
        var partition = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]) % (uint)partitions;
        return StreamId.Create(consumer, (long)partition);
    }
}
