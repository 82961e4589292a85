using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PrivateFl.RestHost;

/// <summary>
/// Endpoint metadata: the endpoint needs <see cref="RestHostOptions.ApiKey"/> in <c>X-Api-Key</c> when a key is set and
/// <see cref="AppliesWhen"/> holds. The one rule both the endpoint filter and the OpenAPI document read, so the document
/// lists <c>401</c> and the security requirement exactly where the filter refuses.
/// </summary>
internal sealed class ApiKeyRequirement(Func<IServiceProvider, bool> appliesWhen, string detail)
{
    /// <summary>The header the key travels in.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The name of the security scheme in the OpenAPI document.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>Gets the condition, besides a key being set, under which the key is needed.</summary>
    public Func<IServiceProvider, bool> AppliesWhen { get; } = appliesWhen;

    /// <summary>Gets the <c>detail</c> of the 401 problem document: why this endpoint needs the key.</summary>
    public string Detail { get; } = detail;

    /// <summary>Whether the key is needed in this configuration.</summary>
    public bool IsRequired(IServiceProvider services) =>
        !string.IsNullOrEmpty(services.GetRequiredService<IOptions<RestHostOptions>>().Value.ApiKey) && AppliesWhen(services);

    /// <summary>Whether the request presents the configured key, compared in constant time.</summary>
    public static bool IsPresented(HttpRequest request, string apiKey)
    {
        // Both sides are hashed first so that the comparison takes the same time whatever the presented length.
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(apiKey), expected);
        SHA256.HashData(Encoding.UTF8.GetBytes(request.Headers[Header].ToString()), presented);
        return request.Headers[Header].Count == 1 && CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
