using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using PrivateFl.Server.Options;

namespace PrivateFl.Server;

/// <summary>Builds the aggregation server as a web application: the standalone host and in-process embedding share this.</summary>
public static class PrivateFlServerApplication
{
    /// <summary>Creates the server application from command-line arguments and configuration.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--StorageOptions:DatabasePath=x.db</c>).</param>
    /// <param name="configure">Adjusts the builder before the server's services are added (tests, embedding).</param>
    /// <returns>The application, ready to start.</returns>
    /// <exception cref="Exception">A configured listener is plaintext on a non-loopback address (the message names it).</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        Security.ListenerPolicy.ValidateConfiguration(builder.Configuration);
        builder.Services.AddPrivateFlServer();
        Hosting.SiloHosting.AddPrivateFlSilo(builder);
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>>((kestrel, server) => ConfigureKestrel(kestrel, server.Value));
        WebApplication app = builder.Build();
        app.UsePrivateFlServer();
        app.MapPrivateFlServer();
        return app;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options)
    {
        var url = new Uri(options.Urls);
        int port = url.IsDefaultPort && url.Port < 0 ? 5080 : url.Port;
        void Listen(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http2;
            if (!string.IsNullOrEmpty(options.TlsCertificatePath))
            {
                listen.UseHttps(options.TlsCertificatePath, options.TlsCertificatePassword);
            }
        }

        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out IPAddress? address))
        {
            kestrel.Listen(address, port, Listen);
        }
        else if (url.IsLoopback)
        {
            kestrel.ListenLocalhost(port, Listen);
        }
        else
        {
            kestrel.ListenAnyIP(port, Listen);
        }

        // One gRPC message and its 5-byte prefix.
        kestrel.Limits.MaxRequestBodySize = options.MaxMessageBytes + 5L;
    }
}
