namespace Actors.Gateway.Api;

internal static class JsonPayload
{
    public static JsonPayload<UserResponse> Of(UserResponse value) => new(value, GatewayJson.Default.UserResponse);

    public static JsonPayload<PostResponse> Of(PostResponse value) => new(value, GatewayJson.Default.PostResponse);

    public static JsonPayload<PageResponse<UserResponse>> Of(PageResponse<UserResponse> value) => new(value, GatewayJson.Default.PageResponseUserResponse);

    public static JsonPayload<PageResponse<PostResponse>> Of(PageResponse<PostResponse> value) => new(value, GatewayJson.Default.PageResponsePostResponse);

    public static JsonPayload<PageResponse<FeedItemResponse>> Of(PageResponse<FeedItemResponse> value) => new(value, GatewayJson.Default.PageResponseFeedItemResponse);
}
