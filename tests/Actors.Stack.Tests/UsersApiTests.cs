using System.Net;
using System.Text.Json;
using Actors.Stack.Tests.Infrastructure;

namespace Actors.Stack.Tests;

[Collection(StackGroup.Name)]
public sealed class UsersApiTests(StackFixture fixture)
{
    private HttpClient Anonymous => fixture.Stack.Http;

    [Fact]
    public async Task Sign_up_answers_202_and_the_mailed_token_creates_the_account_once()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var email = $"{tag}@example.test";
        using var response = await Anonymous.PostJson("/api/users",
            new { handle = $"h_{tag}", email, displayName = " Grace ", password = "long enough password" });

        var accepted = await response.Json(HttpStatusCode.Accepted);
        Assert.Equal("confirmation_sent", accepted.GetProperty("status").GetString());
        Assert.Null(response.Headers.Location);
        // No account before the address is confirmed.
        using (var early = await Anonymous.PostJson("/api/sessions", new { email, password = "long enough password" }))
        {
            Assert.Equal("invalid_credentials", await early.ProblemCode(HttpStatusCode.Unauthorized));
        }

        var token = await fixture.Stack.ConfirmationTokenAsync(email);
        using var confirmed = await Anonymous.PostJson("/api/users/confirmations", new { token });
        var user = await confirmed.Json(HttpStatusCode.Created);
        Assert.Equal($"/api/users/{user.GetProperty("id").GetGuid()}", confirmed.Headers.Location?.OriginalString);
        Assert.Equal($"h_{tag}", user.GetProperty("handle").GetString());
        Assert.Equal("Grace", user.GetProperty("displayName").GetString());
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("queued", user.GetProperty("welcomeEmail").GetString());
        Assert.False(user.TryGetProperty("password", out _));
        Assert.False(user.TryGetProperty("passwordHash", out _));
        using (var login = await Anonymous.PostJson("/api/sessions", new { email, password = "long enough password" }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        using var again = await Anonymous.PostJson("/api/users/confirmations", new { token });
        Assert.Equal("sign_up_not_found", await again.ProblemCode(HttpStatusCode.NotFound));
    }

    [Theory]
    [InlineData("""{"token":"not a token"}""", HttpStatusCode.NotFound, "sign_up_not_found")]
    [InlineData("""{"token":"AZrK2jdC8nGAj2-hbPWFXg3vuJBW4TduWD59Q7U7QuZe2sw8HIiLNqNI9M2mfyzA"}""", HttpStatusCode.NotFound, "sign_up_not_found")]
    [InlineData("""{"token":""}""", HttpStatusCode.BadRequest, "validation_failed")]
    [InlineData("""{}""", HttpStatusCode.BadRequest, "validation_failed")]
    public async Task A_confirmation_without_a_pending_sign_up_behind_it_is_a_problem(string json, HttpStatusCode status, string code)
    {
        using var response = await Anonymous.PostRaw("/api/users/confirmations", json);

        Assert.Equal(code, await response.ProblemCode(status));
    }

    [Fact]
    public async Task A_taken_email_gets_the_same_answer_as_a_new_one_and_its_owner_a_mail_saying_so()
    {
        var (_, _, taken) = await fixture.Stack.NewUserAsync();
        var fresh = $"{Guid.NewGuid():N}"[..12] + "@example.test";

        using var forFresh = await Anonymous.PostJson("/api/users",
            new { handle = $"h_{Guid.NewGuid():N}"[..20], email = fresh, displayName = "Someone", password = "long enough password" });
        using var forTaken = await Anonymous.PostJson("/api/users",
            new { handle = $"h_{Guid.NewGuid():N}"[..20], email = taken.ToUpperInvariant(), displayName = "Someone", password = "long enough password" });

        Assert.Equal(HttpStatusCode.Accepted, forTaken.StatusCode);
        Assert.Equal(forFresh.StatusCode, forTaken.StatusCode);
        Assert.Equal(await forFresh.Content.ReadAsStringAsync(), await forTaken.Content.ReadAsStringAsync());
        Assert.Equal(Headers(forFresh), Headers(forTaken));
        var mail = await fixture.Stack.Smtp.WaitForAsync(
            m => m.To.Equals(taken, StringComparison.OrdinalIgnoreCase) && m.Subject == "You already have an Actors account", TimeSpan.FromSeconds(30));
        Assert.Null(mail.ConfirmationToken);
        Assert.NotNull(await fixture.Stack.ConfirmationTokenAsync(fresh));

        static string Headers(HttpResponseMessage response) => string.Join('\n', response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date").OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
    }

    [Fact]
    public async Task A_handle_an_account_has_in_another_case_is_a_409_with_its_code()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        await fixture.Stack.SignUpAsync(new { handle = $"h_{tag}", email = $"{tag}@a.test", displayName = "A", password = "long enough password" }, $"{tag}@a.test");

        using var sameHandle = await Anonymous.PostJson("/api/users", new { handle = $"H_{tag.ToUpperInvariant()}", email = $"{tag}@b.test", displayName = "B", password = "long enough password" });

        Assert.Equal("handle_taken", await sameHandle.ProblemCode(HttpStatusCode.Conflict));
    }

    [Theory]
    [InlineData("""{"handle":"ab","email":"a@b.test","displayName":"x","password":"long enough password"}""", "handle")]
    [InlineData("""{"handle":"has space","email":"a@b.test","displayName":"x","password":"long enough password"}""", "handle")]
    [InlineData("""{"handle":"okhandle","email":"not-an-email","displayName":"x","password":"long enough password"}""", "email")]
    [InlineData("""{"handle":"okhandle","email":"a@b.test","displayName":"   ","password":"long enough password"}""", "displayName")]
    [InlineData("""{"handle":"okhandle","email":"a@b.test","displayName":"nul\u0000byte","password":"long enough password"}""", "displayName")]
    [InlineData("""{"handle":"okhandle","email":"a@b.test","displayName":"x","password":"short"}""", "password")]
    [InlineData("""{"email":"a@b.test","displayName":"x","password":"long enough password"}""", "handle")]
    public async Task Invalid_sign_up_fields_are_a_400_naming_the_field(string json, string field)
    {
        using var response = await Anonymous.PostRaw("/api/users", json);

        var body = await response.Json(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Theory]
    [InlineData("{\"handle\":")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"handle\": 42, \"email\": true}")]
    [InlineData("")]
    [InlineData("""{"handle":"okhandle","email":"a@b.test","displayName":"lone \ud800 surrogate","password":"long enough password"}""")]
    public async Task Malformed_json_is_a_400_problem_with_a_code(string json)
    {
        using var response = await Anonymous.PostRaw("/api/users", json);

        Assert.Equal("bad_request", await response.ProblemCode(HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("application/json; charset=latin1")]
    [InlineData("application/json; charset=nope")]
    public async Task A_body_in_another_charset_than_utf8_is_a_415(string contentType)
    {
        var content = new ByteArrayContent("{\"handle\":\"x\"}"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await Anonymous.PostAsync("/api/users", content);

        Assert.Equal("unsupported_media_type", await response.ProblemCode(HttpStatusCode.UnsupportedMediaType));
    }

    [Fact]
    public async Task A_profile_shows_its_email_only_to_its_owner()
    {
        var (id, owner, email) = await fixture.Stack.NewUserAsync();
        var (_, other, _) = await fixture.Stack.NewUserAsync();

        var asOwner = await (await owner.GetAsync($"/api/users/{id}")).Json(HttpStatusCode.OK);
        var asOther = await (await other.GetAsync($"/api/users/{id}")).Json(HttpStatusCode.OK);
        var anonymous = await (await Anonymous.GetAsync($"/api/users/{id}")).Json(HttpStatusCode.OK);

        Assert.Equal(email, asOwner.GetProperty("email").GetString());
        Assert.False(asOther.TryGetProperty("email", out _));
        Assert.False(anonymous.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Unknown_and_malformed_user_ids_are_404_and_400()
    {
        using var unknown = await Anonymous.GetAsync($"/api/users/{Guid.CreateVersion7()}");
        Assert.Equal("user_not_found", await unknown.ProblemCode(HttpStatusCode.NotFound));

        using var malformed = await Anonymous.GetAsync("/api/users/1%27%20OR%20%271%27=%271");
        Assert.Equal("invalid_id", await malformed.ProblemCode(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_profile_read_carries_an_etag_and_answers_304_when_it_is_unchanged()
    {
        var (id, _, _) = await fixture.Stack.NewUserAsync();
        using var first = await Anonymous.GetAsync($"/api/users/{id}");
        var etag = first.Headers.ETag?.ToString();
        Assert.NotNull(etag);

        using var again = await Anonymous.GetWith($"/api/users/{id}", "If-None-Match", etag!);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Patching_needs_a_token_and_only_the_owner_may_edit()
    {
        var (id, owner, _) = await fixture.Stack.NewUserAsync();
        var (_, other, _) = await fixture.Stack.NewUserAsync();

        using var anonymous = await Anonymous.PatchJson($"/api/users/{id}", new { bio = "x" });
        Assert.Equal("unauthorized", await anonymous.ProblemCode(HttpStatusCode.Unauthorized));
        using var forged = new HttpClient { BaseAddress = Anonymous.BaseAddress };
        forged.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer not.a.token");
        using var badToken = await forged.PatchJson($"/api/users/{id}", new { bio = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);
        using var someoneElse = await other.PatchJson($"/api/users/{id}", new { bio = "x" });
        Assert.Equal("not_owner", await someoneElse.ProblemCode(HttpStatusCode.Forbidden));

        var edited = await (await owner.PatchJson($"/api/users/{id}", new { bio = "Writes compilers.", displayName = "Grace H." }))
            .Json(HttpStatusCode.OK);
        Assert.Equal(("Writes compilers.", "Grace H."), (edited.GetProperty("bio").GetString(), edited.GetProperty("displayName").GetString()));
        var read = await (await Anonymous.GetAsync($"/api/users/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal("Writes compilers.", read.GetProperty("bio").GetString());
    }

    [Fact]
    public async Task A_patch_with_a_stale_if_match_is_412_and_a_current_one_succeeds()
    {
        var (id, owner, _) = await fixture.Stack.NewUserAsync();
        using var read = await owner.GetAsync($"/api/users/{id}");
        var etag = read.Headers.ETag!.ToString();

        using var first = await owner.PatchJson($"/api/users/{id}", new { bio = "first" }, etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var stale = await owner.PatchJson($"/api/users/{id}", new { bio = "second" }, etag);
        Assert.Equal("version_mismatch", await stale.ProblemCode(HttpStatusCode.PreconditionFailed));
        using var current = await owner.PatchJson($"/api/users/{id}", new { bio = "second" }, first.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task Changing_the_email_to_one_in_use_is_409_and_leaves_the_profile_unchanged()
    {
        var (_, _, takenEmail) = await fixture.Stack.NewUserAsync();
        var (id, owner, email) = await fixture.Stack.NewUserAsync();

        using var response = await owner.PatchJson($"/api/users/{id}", new { email = takenEmail });

        Assert.Equal("email_taken", await response.ProblemCode(HttpStatusCode.Conflict));
        var profile = await (await owner.GetAsync($"/api/users/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(email, profile.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Logging_in_with_a_wrong_password_or_unknown_email_is_the_same_401()
    {
        var (_, _, email) = await fixture.Stack.NewUserAsync();

        using var wrong = await Anonymous.PostJson("/api/sessions", new { email, password = "not the password" });
        using var unknown = await Anonymous.PostJson("/api/sessions", new { email = $"{Guid.NewGuid():N}@nowhere.test", password = "not the password" });

        Assert.Equal("invalid_credentials", await wrong.ProblemCode(HttpStatusCode.Unauthorized));
        Assert.Equal("invalid_credentials", await unknown.ProblemCode(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task The_user_list_walks_in_sign_up_order_and_includes_new_users()
    {
        var created = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await fixture.Stack.NewUserAsync()).Id);
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await (await Anonymous.GetAsync($"/api/users?limit=100{(cursor is null ? "" : $"&cursor={cursor}")}")).Json(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()));
            Assert.All(page.GetProperty("items").EnumerateArray(), u => Assert.False(u.TryGetProperty("email", out _)));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(created, seen.Where(created.Contains));
    }

    [Theory]
    [InlineData("limit=0", "invalid_limit")]
    [InlineData("limit=101", "invalid_limit")]
    [InlineData("limit=abc", "invalid_limit")]
    [InlineData("limit=99999999999", "invalid_limit")]
    [InlineData("limit=1.5", "invalid_limit")]
    [InlineData("cursor=not-a-cursor", "invalid_cursor")]
    [InlineData("cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "invalid_cursor")]
    public async Task Bad_paging_parameters_are_a_400_with_a_code(string query, string code)
    {
        using var response = await Anonymous.GetAsync($"/api/users?{query}");

        Assert.Equal(code, await response.ProblemCode(HttpStatusCode.BadRequest));
    }
}
