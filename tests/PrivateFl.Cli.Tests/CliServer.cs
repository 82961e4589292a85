using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PrivateFl.Server;

namespace PrivateFl.Cli.Tests;

/// <summary>
/// The real aggregation server on 127.0.0.1 with a random port and a temporary SQLite file; with a certificate it serves
/// TLS from a PKCS#12 file (ServerOptions:TlsCertificatePath), and can require a client certificate.
/// </summary>
internal sealed class CliServer : IAsyncDisposable
{
    public const string AdminKey = "cli-test-admin-key-0123456789abcdef";
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("privatefl-cli-").FullName;
    private WebApplication? _app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Gets a temporary folder for the test's files, deleted with the server.</summary>
    public string Directory => _directory;

    public static async Task<CliServer> StartAsync(X509Certificate2? certificate = null, string? requiredClientThumbprint = null)
    {
        var server = new CliServer();
        var settings = new Dictionary<string, string?>
        {
            ["ServerOptions:Urls"] = certificate is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0",
            ["ServerOptions:AdminApiKey"] = AdminKey,
            ["StorageOptions:DatabasePath"] = Path.Combine(server._directory, "privatefl.db"),
            ["RoundOptions:MinimumClients"] = "3",
            ["RoundOptions:GatherWindow"] = "00:00:00.300",
            ["RoundOptions:StageDeadline"] = "00:00:05",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (certificate is not null)
        {
            string pfx = Path.Combine(server._directory, "server.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test"));
            settings["ServerOptions:TlsCertificatePath"] = pfx;
            settings["ServerOptions:TlsCertificatePassword"] = "test";
        }

        server._app = PrivateFlServerApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            if (requiredClientThumbprint is not null)
            {
                builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https =>
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (presented, _, _) => string.Equals(presented.Thumbprint, requiredClientThumbprint, StringComparison.OrdinalIgnoreCase);
                }));
            }
        });
        await server._app.StartAsync();
        server.Address = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(_directory, recursive: true);
    }
}
