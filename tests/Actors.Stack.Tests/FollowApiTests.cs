using System.Net;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class FollowApiTests(StackFixture fixture)
{
    [Fact]
    public async Task Following_is_idempotent_shows_in_both_lists_and_counters_and_unfollowing_undoes_it()
    {
        var (me, client, _) = await fixture.Stack.NewUserAsync();
        var (them, _, _) = await fixture.Stack.NewUserAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/api/users/{me}/following/{them}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PutAsync($"/api/users/{me}/following/{them}", null)).StatusCode);

        Assert.Equal([them], await Ids($"/api/users/{me}/following"));
        Assert.Equal([me], await Ids($"/api/users/{them}/followers"));
        var profile = await (await fixture.Stack.Http.GetAsync($"/api/users/{them}")).Json(HttpStatusCode.OK);
        Assert.Equal(1, profile.GetProperty("followers").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/users/{me}/following/{them}")).StatusCode);
        Assert.Empty(await Ids($"/api/users/{them}/followers"));
        var after = await (await fixture.Stack.Http.GetAsync($"/api/users/{them}")).Json(HttpStatusCode.OK);
        Assert.Equal(0, after.GetProperty("followers").GetInt32());
    }

    [Fact]
    public async Task Follow_changes_need_the_followers_own_token_and_a_real_other_user()
    {
        var (me, client, _) = await fixture.Stack.NewUserAsync();
        var (them, other, _) = await fixture.Stack.NewUserAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Stack.Http.PutAsync($"/api/users/{me}/following/{them}", null)).StatusCode);
        Assert.Equal("not_owner", await (await other.PutAsync($"/api/users/{me}/following/{them}", null)).ProblemCode(HttpStatusCode.Forbidden));
        Assert.Equal("cannot_follow_self", await (await client.PutAsync($"/api/users/{me}/following/{me}", null)).ProblemCode(HttpStatusCode.BadRequest));
        Assert.Equal("user_not_found", await (await client.PutAsync($"/api/users/{me}/following/{Guid.CreateVersion7()}", null)).ProblemCode(HttpStatusCode.NotFound));
        Assert.Equal("invalid_id", await (await client.PutAsync($"/api/users/{me}/following/nope", null)).ProblemCode(HttpStatusCode.BadRequest));
        Assert.Equal("user_not_found", await (await fixture.Stack.Http.GetAsync($"/api/users/{Guid.CreateVersion7()}/followers")).ProblemCode(HttpStatusCode.NotFound));
    }

    private async Task<List<Guid>> Ids(string url)
    {
        var page = await (await fixture.Stack.Http.GetAsync($"{url}?fields=id")).Json(HttpStatusCode.OK);
        return [.. page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid())];
    }
}
