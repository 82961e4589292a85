using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost.Tests;

/// <summary>A refused start of the REST host is one line naming the problem and a non-zero exit code, never a stack trace.</summary>
public sealed class RestHostStartupTests
{
    [Fact]
    public async Task Run_DataRootIsNotAFolder_OneLineNamingTheSettingAndExitCode2()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddOptions<RestHostOptions>().Configure(o => o.DataRoot = "/no/such/folder").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RestHostOptions>, RestHostOptionsValidator>();
        await using WebApplication app = builder.Build();
        using var error = new StringWriter();

        int exit = await RestHostStartup.RunAsync(app, error);

        Assert.Equal(RestHostStartup.ConfigurationError, exit);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("privatefl-resthost: invalid configuration: ", line, StringComparison.Ordinal);
        Assert.Contains("RestHostOptions:DataRoot '/no/such/folder' is not an existing folder.", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_KestrelReadsAnInvalidSetting_OneLineNamingTheSettingAndExitCode2()
    {
        // As the host's Program does: Kestrel's limits come from RestHostOptions, read while the host is built.
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddOptions<RestHostOptions>().Configure(o => o.DataRoot = "/no/such/folder").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RestHostOptions>, RestHostOptionsValidator>();
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>().Configure<IOptions<RestHostOptions>>((kestrel, options) => kestrel.Limits.MaxRequestBodySize = options.Value.MaxRequestBodyBytes);
        using var error = new StringWriter();

        WebApplication? app = RestHostStartup.TryBuild(builder, error, out int exit);

        Assert.Null(app);
        Assert.Equal(RestHostStartup.ConfigurationError, exit);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("privatefl-resthost: invalid configuration: RestHostOptions:DataRoot '/no/such/folder' is not an existing folder.", line.TrimEnd());
    }

    [Fact]
    public async Task Run_PortInUse_OneLineAndExitCode4()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using WebApplication app = builder.Build();
        using var error = new StringWriter();

        int exit = await RestHostStartup.RunAsync(app, error);

        Assert.Equal(RestHostStartup.ListenError, exit);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("privatefl-resthost: cannot listen: ", line, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
    }
}
