using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateFl.Server.Tests;

/// <summary>Invalid options stop the server's start-up with a message naming the setting.</summary>
public sealed class ServerOptionsTests
{
    [Theory]
    [InlineData("ServerOptions:AdminApiKey", "short", "ServerOptions:AdminApiKey")]
    [InlineData("ServerOptions:Urls", "http://10.1.2.3:5080", "ServerOptions:TlsCertificatePath")]
    [InlineData("RoundOptions:MinimumClients", "2", "RoundOptions:MinimumClients")]
    [InlineData("RoundOptions:StageDeadline", "00:00:00.010", "RoundOptions:StageDeadline")]
    [InlineData("StorageOptions:DatabasePath", "/no/such/folder/x.db", "StorageOptions:DatabasePath")]
    [InlineData("ServerOptions:MaxConcurrentCallsPerClient", "0", "ServerOptions:MaxConcurrentCallsPerClient")]
    [InlineData("ServerOptions:MaxConcurrentCalls", "2", "ServerOptions:MaxConcurrentCalls")]
    [InlineData("ServerOptions:MaxBufferedRequestBytes", "65536", "ServerOptions:MaxBufferedRequestBytes")]
    [InlineData("ServerOptions:MaxConcurrentUnauthenticatedCalls", "0", "ServerOptions:MaxConcurrentUnauthenticatedCalls")]
    public async Task Start_InvalidSetting_FailsNamingIt(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ServerOptions:Urls"] = "http://127.0.0.1:0",
            ["ServerOptions:AdminApiKey"] = "a-valid-admin-key-0123456789",
            ["StorageOptions:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"privatefl-options-{Guid.NewGuid():n}.db"),
        };
        settings[key] = value;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using WebApplication app = PrivateFlServerApplication.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Logging.ClearProviders();
            });
            await app.StartAsync();
        });

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }
}
