using System.Text.Json;

namespace PrivateFl.RestHost;

/// <summary>Reads a request's fields from a form or a JSON object, as the original endpoints accepted both.</summary>
internal static class RequestFields
{
    public static async Task<(Dictionary<string, string?>? Fields, string? Error)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (request.HasFormContentType)
        {
            IFormCollection form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
            foreach ((string key, Microsoft.Extensions.Primitives.StringValues value) in form)
            {
                fields[key] = value.ToString();
            }

            return (fields, null);
        }

        try
        {
            using JsonDocument document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, "The body must be a JSON object or a form.");
            }

            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Null => null,
                    _ => property.Value.GetRawText(),
                };
            }

            return (fields, null);
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON: {ex.Message}");
        }
    }
}
