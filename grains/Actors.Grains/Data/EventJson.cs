using System.Text.Json;
using System.Text.Json.Serialization;
using Actors.Grains.Abstractions.Events;

namespace Actors.Grains.Data;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SignUpRequested))]
[JsonSerializable(typeof(UserSignedUp))]
[JsonSerializable(typeof(UserProfileUpdated))]
[JsonSerializable(typeof(PostCreated))]
[JsonSerializable(typeof(PostDeleted))]
[JsonSerializable(typeof(AvatarUploaded))]
internal sealed partial class EventJson : JsonSerializerContext;
