using Actors.Grains.Abstractions;
using Actors.Grains.Abstractions.Avatars;
using Actors.Grains.Abstractions.Events;
using Actors.Grains.Data;

namespace Actors.Grains.Avatars;

/// <summary>
/// A user's avatar. An upload is checked (type and size from its header, then every pixel decoded), then
/// stored with its AvatarUploaded event in one statement (the thumbnails follow in the background), so
/// a bad file is refused at once and a user's previous avatar stays. Finished thumbnails stay in memory, so a
/// hot avatar is served without a query; the worker that finishes an upload tells the grain to reload.
/// </summary>
public sealed class AvatarGrain(Database database, WritePath writes, TimeProvider clock) : Grain, IAvatarGrain
{
    // A decode holds the whole bitmap (up to 64 MB at 4,096 pixels a side): one per core at a time.
    private static readonly SemaphoreSlim Decoding = new(Environment.ProcessorCount);

    private readonly RowCache<AvatarRow> _row = new(clock);

    private Guid Id => this.GetPrimaryKey();

    public async ValueTask<AvatarUpload> Upload(string contentType, byte[] image)
    {
        // Decoding every pixel is CPU work: off this grain's scheduler thread, so the silo keeps serving.
        string? problem;
        await Decoding.WaitAsync();
        try
        {
            problem = await Task.Run(() => AvatarImages.Inspect(contentType, image));
        }
        finally
        {
            Decoding.Release();
        }

        if (problem is not null)
        {
            var code = AvatarImages.Decodes(contentType) ? ErrorCodes.InvalidAvatar : ErrorCodes.UnsupportedImageType;
            return new AvatarUpload(false, 0, code, problem);
        }

        var now = Time.Now(clock);
        var uploaded = OutboxEntry.For(new AvatarUploaded(Guid.CreateVersion7(), Id, 0, now));
        return await writes.RunAsync(new GrainWrite<long?, AvatarUpload>
        {
            Operation = "avatar.upload",
            Statement = async (connection, ct) =>
            {
                await using var command = Sql.Command(connection, AvatarSql.Upload,
                    Sql.Value("user_id", Id), Sql.Value("content_type", contentType.ToLowerInvariant()), Sql.Value("original", image),
                    Sql.Value("now", now));
                uploaded.AddParameters(command.Parameters);
                return await command.ExecuteScalarAsync(ct) as long?;
            },
            Announces = true,
            Unknown = () =>
            {
                _row.Forget();
                return Task.CompletedTask;
            },
            Apply = version =>
            {
                if (version is not { } v)
                {
                    return new AvatarUpload(false, 0, ErrorCodes.UserNotFound, "No such user.");
                }

                _row.Set(new AvatarRow(v, AvatarStatus.Processing, null, null, null));
                return new AvatarUpload(true, v, null, null);
            },
        });
    }

    public async ValueTask<AvatarImage?> GetThumbnail(int size)
    {
        var row = _row.TryGet(out var held) ? held : await _row.GetAsync(Load);
        if (row is null)
        {
            // No avatar (or no user) keeps no activation.
            DeactivateOnIdle();
        }

        return row is null ? null : new AvatarImage(row.Status, row.Version, size == 64 ? row.Small : row.Large, row.Reason);
    }

    public ValueTask Invalidate()
    {
        _row.Forget();
        return ValueTask.CompletedTask;
    }

    private Task<AvatarRow?> Load() =>
        database.ReadAsync("avatar.load", async (connection, ct) =>
        {
            await using var command = Sql.Command(connection, AvatarSql.Load, Sql.Value(Id));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            var status = reader.GetString(1) switch
            {
                "ready" => AvatarStatus.Ready,
                "rejected" => AvatarStatus.Rejected,
                _ => AvatarStatus.Processing,
            };
            return new AvatarRow(reader.GetInt64(0), status,
                reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4));
        });

    private sealed record AvatarRow(long Version, AvatarStatus Status, byte[]? Small, byte[]? Large, string? Reason);
}
