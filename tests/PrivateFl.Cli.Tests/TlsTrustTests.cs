using System.Security.Cryptography.X509Certificates;
using PrivateFl.ClientSdk;

namespace PrivateFl.Cli.Tests;

/// <summary>
/// A real server with a self-signed certificate made in the test: the CLI and the SDK reach it by a CA file or a pin,
/// on their own connection (no process-wide setting), and refuse it, saying why, when it is not trusted.
/// </summary>
public sealed class TlsTrustTests
{
    [Fact]
    public async Task Cli_SelfSignedServer_TrustedByCaFileOrEitherPin_Works()
    {
        using X509Certificate2 certificate = TestCertificates.Server();
        await using CliServer server = await CliServer.StartAsync(certificate);
        (string caFile, _) = TestCertificates.WritePem(certificate, server.Directory, "server");

        foreach (string[] trust in new[] { ["--ca-file", caFile], ["--pin-sha256", TestCertificates.CertificateSha256(certificate)], new[] { "--pin-sha256", TestCertificates.PublicKeySha256(certificate).ToUpperInvariant() } })
        {
            CliResult result = await Cli.JsonAsync(server, ["clients", .. trust]);

            Assert.Equal(0, result.Json().GetProperty("clients").GetArrayLength());
        }
    }

    [Fact]
    public async Task Cli_SelfSignedServer_TrustedFromEnvironmentVariable_Works()
    {
        using X509Certificate2 certificate = TestCertificates.Server();
        await using CliServer server = await CliServer.StartAsync(certificate);
        (string caFile, _) = TestCertificates.WritePem(certificate, server.Directory, "server");
        var environment = new Dictionary<string, string> { ["PRIVATEFL_SERVER"] = server.Address.ToString(), ["PRIVATEFL_ADMIN_KEY"] = CliServer.AdminKey, ["PRIVATEFL_CA_FILE"] = caFile };

        CliResult result = await Cli.RunAsync(environment, "sessions", "--format", "json");

        Assert.Equal(0, result.Json().GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task Cli_UntrustedServer_ExitsThreeSayingTheTlsConnectionFailed()
    {
        using X509Certificate2 certificate = TestCertificates.Server();
        using X509Certificate2 other = TestCertificates.Server("CN=someone-else");
        await using CliServer server = await CliServer.StartAsync(certificate);
        (string otherCa, _) = TestCertificates.WritePem(other, server.Directory, "other");

        string plain = (await Cli.JsonAsync(server, "clients")).AssertFailed(3);
        string wrongCa = (await Cli.JsonAsync(server, "clients", "--ca-file", otherCa)).AssertFailed(3);
        string wrongPin = (await Cli.JsonAsync(server, "clients", "--pin-sha256", TestCertificates.CertificateSha256(other))).AssertFailed(3);

        Assert.Contains("TLS connection", plain, StringComparison.Ordinal);
        Assert.Contains("UntrustedRoot. Trust the server with --ca-file or --pin-sha256.", plain, StringComparison.Ordinal);
        Assert.Contains("does not chain to a certificate of --ca-file", wrongCa, StringComparison.Ordinal);
        Assert.Contains("not the pinned one (--pin-sha256", wrongPin, StringComparison.Ordinal);
        Assert.Contains(TestCertificates.CertificateSha256(certificate), wrongPin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_ServerRequiringClientCertificate_AcceptsTheOnePresented()
    {
        using X509Certificate2 certificate = TestCertificates.Server();
        using X509Certificate2 client = TestCertificates.Client();
        await using CliServer server = await CliServer.StartAsync(certificate, client.Thumbprint);
        (string caFile, _) = TestCertificates.WritePem(certificate, server.Directory, "server");
        (string clientCertificate, string? clientKey) = TestCertificates.WritePem(client, server.Directory, "client", withKey: true);

        CliResult with = await Cli.JsonAsync(server, "clients", "--ca-file", caFile, "--client-cert", clientCertificate, "--client-key", clientKey!);
        CliResult without = await Cli.JsonAsync(server, "clients", "--ca-file", caFile);

        Assert.Equal(0, with.Json().GetProperty("clients").GetArrayLength());
        Assert.Contains("Cannot reach the server", without.AssertFailed(3), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_SelfSignedServer_TrustedByCaFileOrPin_ReadsTheSession()
    {
        using X509Certificate2 certificate = TestCertificates.Server();
        await using CliServer server = await CliServer.StartAsync(certificate);
        (string caFile, _) = TestCertificates.WritePem(certificate, server.Directory, "server");
        string keyFile = await EnrolAndCreateAsync(server, caFile);

        foreach (FederatedClientOptions options in new[]
        {
            BankOptions(server, keyFile, o => o.TrustedCaFile = caFile),
            BankOptions(server, keyFile, o => o.PinnedServerCertificateSha256 = TestCertificates.CertificateSha256(certificate)),
            BankOptions(server, keyFile, o => o.PinnedServerCertificateSha256 = TestCertificates.PublicKeySha256(certificate)),
            BankOptions(server, keyFile, o => (o.TrustedCaFile, o.PinnedServerCertificateSha256) = (caFile, TestCertificates.PublicKeySha256(certificate))),
        })
        {
            using var bank = new FederatedClient(options);

            TrainingSessionInfo session = await bank.GetSessionAsync("s");

            Assert.Equal(CreditSchemas.GermanCredit.Hash, session.SchemaHash);
        }
    }

    [Fact]
    public async Task Sdk_UntrustedServer_FailsSayingWhyAndWhichSetting()
    {
        using X509Certificate2 certificate = TestCertificates.Server();
        using X509Certificate2 other = TestCertificates.Server("CN=someone-else");
        await using CliServer server = await CliServer.StartAsync(certificate);
        (string caFile, _) = TestCertificates.WritePem(certificate, server.Directory, "server");
        (string otherCa, _) = TestCertificates.WritePem(other, server.Directory, "other");
        string keyFile = await EnrolAndCreateAsync(server, caFile);

        using var wrongCa = new FederatedClient(BankOptions(server, keyFile, o => o.TrustedCaFile = otherCa));
        using var wrongPin = new FederatedClient(BankOptions(server, keyFile, o => o.PinnedServerCertificateSha256 = TestCertificates.PublicKeySha256(other)));
        using var untrusted = new FederatedClient(BankOptions(server, keyFile, _ => { }));

        ServerUnavailableException caError = await Assert.ThrowsAsync<ServerUnavailableException>(() => wrongCa.GetSessionAsync("s"));
        ServerUnavailableException pinError = await Assert.ThrowsAsync<ServerUnavailableException>(() => wrongPin.GetSessionAsync("s"));
        ServerUnavailableException untrustedError = await Assert.ThrowsAsync<ServerUnavailableException>(() => untrusted.GetSessionAsync("s"));
        Assert.StartsWith($"The TLS connection to the aggregation server at {server.Address} failed: ", untrustedError.Message, StringComparison.Ordinal);
        Assert.Contains("does not chain to a certificate of FederatedClientOptions:TrustedCaFile", caError.Message, StringComparison.Ordinal);
        Assert.Contains("not the pinned one (FederatedClientOptions:PinnedServerCertificateSha256)", pinError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_ServerRequiringClientCertificate_AcceptsTheConfiguredOne()
    {
        using X509Certificate2 certificate = TestCertificates.Server();
        using X509Certificate2 client = TestCertificates.Client();
        await using CliServer server = await CliServer.StartAsync(certificate, client.Thumbprint);
        (string caFile, _) = TestCertificates.WritePem(certificate, server.Directory, "server");
        (string clientCertificate, string? clientKey) = TestCertificates.WritePem(client, server.Directory, "client", withKey: true);
        string keyFile = Path.Combine(server.Directory, "bank-01.key");
        (await Cli.JsonAsync(server, "enrol", "bank-01", "--key-out", keyFile, "--ca-file", caFile, "--client-cert", clientCertificate, "--client-key", clientKey!)).Json();
        (await Cli.JsonAsync(server, "session", "create", "s", "--template", "german-credit", "--banks", "3", "--ca-file", caFile, "--client-cert", clientCertificate, "--client-key", clientKey!)).Json();

        using var with = new FederatedClient(BankOptions(server, keyFile, o => (o.TrustedCaFile, o.ClientCertificateFile, o.ClientKeyFile) = (caFile, clientCertificate, clientKey!)));
        using var without = new FederatedClient(BankOptions(server, keyFile, o => o.TrustedCaFile = caFile));

        Assert.Equal("s", (await with.GetSessionAsync("s")).SessionId);
        await Assert.ThrowsAnyAsync<FederationException>(() => without.GetSessionAsync("s"));
    }

    [Theory]
    [InlineData("pin", "not-hex", "FederatedClientOptions:PinnedServerCertificateSha256 must be the SHA-256")]
    [InlineData("ca", "/no/such/ca.pem", "FederatedClientOptions:TrustedCaFile '/no/such/ca.pem' cannot be read")]
    [InlineData("key", "/no/such/key.pem", "FederatedClientOptions:ClientKeyFile is set, so FederatedClientOptions:ClientCertificateFile must name")]
    [InlineData("http", "", "apply to TLS only")]
    public void Sdk_InvalidTrustSetting_IsRefusedNamingIt(string setting, string value, string expected)
    {
        var options = new FederatedClientOptions { ServerAddress = new Uri(setting == "http" ? "http://127.0.0.1:5080" : "https://fl.example.net"), ClientId = "bank-01", LedgerDirectory = Path.GetTempPath() };
        switch (setting)
        {
            case "pin":
                options.PinnedServerCertificateSha256 = value;
                break;
            case "ca":
                options.TrustedCaFile = value;
                break;
            case "key":
                options.ClientKeyFile = value;
                break;
            default:
                options.PinnedServerCertificateSha256 = new string('a', 64);
                break;
        }

        using var key = PrivateFl.Crypto.Primitives.SigningKey.Generate();
        ArgumentException error = Assert.Throws<ArgumentException>("options", () => new FederatedClient(options, key));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_TwoClientsInOneProcess_EachKeepsItsOwnTrust()
    {
        using X509Certificate2 first = TestCertificates.Server();
        using X509Certificate2 second = TestCertificates.Server("CN=second");
        await using CliServer one = await CliServer.StartAsync(first);
        await using CliServer two = await CliServer.StartAsync(second);
        (string firstCa, _) = TestCertificates.WritePem(first, one.Directory, "server");
        (string secondCa, _) = TestCertificates.WritePem(second, two.Directory, "server");
        string firstKey = await EnrolAndCreateAsync(one, firstCa);
        string secondKey = await EnrolAndCreateAsync(two, secondCa);

        using var bankOfOne = new FederatedClient(BankOptions(one, firstKey, o => o.TrustedCaFile = firstCa));
        using var bankOfTwo = new FederatedClient(BankOptions(two, secondKey, o => o.TrustedCaFile = secondCa));
        using var crossed = new FederatedClient(BankOptions(two, secondKey, o => o.TrustedCaFile = firstCa));

        Assert.Equal("s", (await bankOfOne.GetSessionAsync("s")).SessionId);
        Assert.Equal("s", (await bankOfTwo.GetSessionAsync("s")).SessionId);
        await Assert.ThrowsAsync<ServerUnavailableException>(() => crossed.GetSessionAsync("s"));
    }

    private static async Task<string> EnrolAndCreateAsync(CliServer server, string caFile)
    {
        string keyFile = Path.Combine(server.Directory, "bank-01.key");
        (await Cli.JsonAsync(server, "enrol", "bank-01", "--key-out", keyFile, "--ca-file", caFile)).Json();
        (await Cli.JsonAsync(server, "session", "create", "s", "--template", "german-credit", "--banks", "3", "--ca-file", caFile)).Json();
        return keyFile;
    }

    private static FederatedClientOptions BankOptions(CliServer server, string keyFile, Action<FederatedClientOptions> trust)
    {
        var options = new FederatedClientOptions { ServerAddress = server.Address, ClientId = "bank-01", IdentityKeyFile = keyFile, LedgerDirectory = Path.Combine(server.Directory, "ledger"), MaxRetries = 0 };
        trust(options);
        return options;
    }
}
