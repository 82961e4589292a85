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
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerOptions>, IOptions<Observability.ObservabilityOptions>>((kestrel, server, observability) => ConfigureKestrel(kestrel, server.Value, observability.Value));
        WebApplication app = builder.Build();
        app.UsePrivateFlServer();
        app.MapPrivateFlServer();
        return app;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, Observability.ObservabilityOptions observability)
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

        if (observability.ScrapePath is not null)
        {
            ListenManagement(kestrel, options, new Uri(observability.ManagementUrl));
        }

        // One gRPC message and its 5-byte prefix.
        kestrel.Limits.MaxRequestBodySize = options.MaxMessageBytes + 5L;
    }

    /// <summary>The management listener: HTTP/1.1 (what Prometheus speaks), TLS with the server's certificate on https://.</summary>
    private static void ListenManagement(KestrelServerOptions kestrel, ServerOptions options, Uri url)
    {
        void Listen(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http1;
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                listen.UseHttps(options.TlsCertificatePath, options.TlsCertificatePassword);
            }

            listen.Use(Observability.ManagementListener.Mark);
        }

        if (IPAddress.TryParse(url.Host.Trim('[', ']'), out IPAddress? address))
        {
            kestrel.Listen(address, url.Port, Listen);
        }
        else if (url.IsLoopback)
        {
            kestrel.ListenLocalhost(url.Port, Listen);
        }
        else
        {
            kestrel.ListenAnyIP(url.Port, Listen);
        }
    }
}
