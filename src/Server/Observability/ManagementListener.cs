using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace PrivateFl.Server.Observability;

/// <summary>Marks the connections the management listener accepts, so the pipeline serves them the scrape endpoint and nothing else.</summary>
internal static class ManagementListener
{
    private const string Marker = "privatefl.management";

    /// <summary>Connection middleware for the management listener.</summary>
    public static ConnectionDelegate Mark(ConnectionDelegate next) => connection =>
    {
        connection.Items[Marker] = true;
        return next(connection);
    };

    /// <summary>True if the request arrived on the management listener.</summary>
    public static bool IsManagement(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Marker) == true;
}
