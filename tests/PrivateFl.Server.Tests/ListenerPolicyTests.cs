using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateFl.Server.Hosting;
using PrivateFl.Server.Security;

namespace PrivateFl.Server.Tests;

/// <summary>Issue 10, "TLS bypass": no plaintext listener on a non-loopback address, whichever source configured it.</summary>
public sealed class ListenerPolicyTests
{
    [Theory]
    [InlineData("Kestrel:Endpoints:x:Url", "http://0.0.0.0:5081")]
    [InlineData("Kestrel:Endpoints:x:Url", "http://*:5081")]
    [InlineData("Kestrel:Endpoints:x:Url", "http://[::]:5081")]
    [InlineData("Kestrel:Endpoints:x:Url", "http://bank.example:5081")]
    [InlineData("urls", "http://127.0.0.1:5081;http://+:5082")]
    [InlineData("http_ports", "8080")]
    public void Build_PlaintextNonLoopbackListenerConfigured_RefusedNamingTheSetting(string key, string value)
    {
        var ex = Assert.Throws<ServerStartupException>(() => PrivateFlServerApplication.Build([], builder => builder.Configuration.AddInMemoryCollection(Settings(key, value))));

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Kestrel:Endpoints:x:Url", "http://127.0.0.1:0")]
    [InlineData("Kestrel:Endpoints:x:Url", "http://localhost:{port}")]
    [InlineData("Kestrel:Endpoints:x:Url", "http://[::1]:0")]
    [InlineData("urls", "http://127.0.0.1:0")]
    public async Task Build_LoopbackListenerConfigured_Starts(string key, string value)
    {
        // Kestrel binds localhost only to a fixed port.
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        string port = ((IPEndPoint)probe.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        probe.Stop();
        await using WebApplication app = PrivateFlServerApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Settings(key, value.Replace("{port}", port, StringComparison.Ordinal)));
            builder.Logging.ClearProviders();
        });

        await app.StartAsync();
        await app.StopAsync();
    }

    [Fact]
    public async Task Start_EmbeddingHostAddsListenAnyIpInCode_RefusedAfterBinding()
    {
        var ex = await Assert.ThrowsAsync<ServerStartupException>(async () =>
        {
            await using WebApplication app = PrivateFlServerApplication.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(Settings("StorageOptions:CreateNewDatabase", "false"));
                builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(0));
                builder.Logging.ClearProviders();
            });
            await app.StartAsync();
        });

        Assert.Contains("plaintext", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3", false, false)]
    [InlineData("::", false, false)]
    [InlineData("10.1.2.3", true, true)]
    [InlineData("127.0.0.1", false, true)]
    [InlineData("::1", false, true)]
    [InlineData("::ffff:127.0.0.1", false, true)]
    public async Task PlaintextGuard_Request_PassesOnlyOverTlsOrLoopback(string localAddress, bool https, bool passes)
    {
        bool called = false;
        var guard = new PlaintextGuardMiddleware(_ => { called = true; return Task.CompletedTask; }, NullLogger<PlaintextGuardMiddleware>.Instance);
        var context = new DefaultHttpContext();
        context.Connection.LocalIpAddress = IPAddress.Parse(localAddress);
        context.Request.Scheme = https ? "https" : "http";
        context.Request.Path = "/privatefl.v1.Admin/ListSessions";

        await guard.InvokeAsync(context);

        Assert.Equal(passes, called);
        Assert.Equal(passes ? string.Empty : "7", context.Response.Headers["grpc-status"].ToString());
    }

    private static Dictionary<string, string?> Settings(string key, string value) => new()
    {
        ["ServerOptions:Urls"] = "http://127.0.0.1:0",
        ["ServerOptions:AdminApiKey"] = "a-valid-admin-key-0123456789",
        ["StorageOptions:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"privatefl-listener-{Guid.NewGuid():n}.db"),
        [key] = value,
    };
}
