using Actors.Client;
using Actors.Client.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

// The core scenario through the client Kiota generated from the API's OpenAPI document: two people
// sign up (each confirming the token the test reads from their mail and writes to standard input),
// log in; one follows the other, who posts; the post reaches the follower's feed, who likes it.
// Usage: Actors.GeneratedClient BASE_URL TAG. Prints "confirm EMAIL" when it needs a token, and
// "ok POST_ID" at the end; any failure exits non-zero.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Actors.GeneratedClient BASE_URL TAG");
    return 2;
}

var baseUrl = args[0];
var tag = args[1];
const string Password = "generated client password";

var anonymous = Client(token: null);
var author = await AccountAsync("author");
var reader = await AccountAsync("reader");

await reader.Client.Api.Users[reader.Id.ToString()].Following[author.Id.ToString()].PutAsync();
var post = await author.Client.Api.Posts.PostAsync(new CreatePostRequest { Body = $"Hello from the generated client {tag}" })
    ?? throw new InvalidOperationException("no post in the answer");

var deadline = DateTime.UtcNow.AddSeconds(20);
while (true)
{
    var feed = await reader.Client.Api.Feed.GetAsync(request => request.QueryParameters.Limit = "20");
    if (feed?.Items?.Any(item => item.Id == post.Id && item.Author?.Id == author.Id) == true)
    {
        break;
    }

    if (DateTime.UtcNow > deadline)
    {
        throw new InvalidOperationException("the post never reached the follower's feed");
    }

    await Task.Delay(200);
}

await reader.Client.Api.Posts[post.Id.ToString()!].Likes.PutAsync();
var liked = await anonymous.Api.Posts[post.Id.ToString()!].GetAsync();
if (liked?.Likes != 1)
{
    throw new InvalidOperationException($"the post shows {liked?.Likes} likes, not 1");
}

Console.WriteLine($"ok {post.Id}");
return 0;

async Task<(Guid Id, ActorsClient Client)> AccountAsync(string role)
{
    var email = $"{role}_{tag}@client.test";
    var accepted = await anonymous.Api.Users.PostAsync(new SignUpRequest
    {
        Handle = $"{role[0]}_{tag}", Email = email, DisplayName = $"Generated {role}", Password = Password,
    });
    if (accepted?.Status != "confirmation_sent")
    {
        throw new InvalidOperationException($"sign-up answered {accepted?.Status}");
    }

    Console.WriteLine($"confirm {email}");
    var token = Console.ReadLine() ?? throw new InvalidOperationException("no token on standard input");
    var account = await anonymous.Api.Users.Confirmations.PostAsync(new ConfirmSignUpRequest { Token = token })
        ?? throw new InvalidOperationException("no account in the answer");
    var session = await anonymous.Api.Sessions.PostAsync(new SessionRequest { Email = email, Password = Password })
        ?? throw new InvalidOperationException("no session in the answer");
    if (session.UserId != account.Id || account.Email != email)
    {
        throw new InvalidOperationException("the session or the account is someone else's");
    }

    return (account.Id!.Value, Client(session.Token));
}

ActorsClient Client(string? token)
{
    IAuthenticationProvider authentication = token is null
        ? new AnonymousAuthenticationProvider()
        : new BaseBearerTokenAuthenticationProvider(new FixedToken(token));
    return new ActorsClient(new HttpClientRequestAdapter(authentication) { BaseUrl = baseUrl });
}

/// <summary>The session token log-in answered, for every request.</summary>
internal sealed class FixedToken(string token) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default) => Task.FromResult(token);
}
