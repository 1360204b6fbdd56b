using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Actors.Gateway.Api;

/// <summary>
/// Source-generated JSON for every body the gateway reads or writes: no reflection on the hot path.
/// Null properties are left out, which is how <c>?fields=</c> projection drops what was not asked for.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SignUpRequest))]
[JsonSerializable(typeof(SignUpAcceptedResponse))]
[JsonSerializable(typeof(ConfirmSignUpRequest))]
[JsonSerializable(typeof(UpdateProfileRequest))]
[JsonSerializable(typeof(CreatePostRequest))]
[JsonSerializable(typeof(SessionRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(PostResponse))]
[JsonSerializable(typeof(PageResponse<UserResponse>))]
[JsonSerializable(typeof(PageResponse<PostResponse>))]
[JsonSerializable(typeof(PageResponse<FeedItemResponse>))]
[JsonSerializable(typeof(AvatarAcceptedResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(HttpValidationProblemDetails))]
internal sealed partial class GatewayJson : JsonSerializerContext;
