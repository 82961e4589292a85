using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace PrivateFl.RestHost;

/// <summary>
/// Reads a request's fields from a form or a JSON object, as the original endpoints accepted both. Every refusal is a
/// problem document naming the field: <c>413</c> for a body over <see cref="RestHostOptions.MaxRequestBodyBytes"/>,
/// <c>415</c> for another content type, <c>400</c> for malformed JSON or form, invalid Unicode, too many or too long
/// fields, and a field given twice (names are matched ignoring case, so <c>addr</c> and <c>Addr</c> are the same field).
/// </summary>
internal static class RequestFields
{
    public static async Task<(Dictionary<string, string?>? Fields, IResult? Error)> ReadAsync(HttpRequest request, RestHostOptions limits, CancellationToken cancellationToken)
    {
        MediaTypeHeaderValue? mediaType = null;
        if (!string.IsNullOrEmpty(request.ContentType) && !MediaTypeHeaderValue.TryParse(request.ContentType, out mediaType))
        {
            return (null, UnsupportedMediaType(Excerpt.Of(request.ContentType)));
        }

        string type = mediaType?.MediaType.Value?.ToLowerInvariant() ?? "application/json";
        bool isJson = type == "application/json" || type.EndsWith("+json", StringComparison.Ordinal);
        bool isForm = type == "application/x-www-form-urlencoded";
        if (!isJson && !isForm)
        {
            return (null, UnsupportedMediaType(Excerpt.Of(type)));
        }

        (byte[]? body, IResult? tooLarge) = await ReadBodyAsync(request, limits.MaxRequestBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null, tooLarge);
        }

        return isJson ? ReadJson(body, limits) : await ReadFormAsync(body, limits, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A 400 problem document naming one field.</summary>
    public static IResult Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static async Task<(byte[]? Body, IResult? Error)> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        // Read at most one byte past the limit: a body without Content-Length (chunked) is refused as soon as it exceeds it.
        byte[] buffer = new byte[(int)Math.Min(limit + 1, 1 << 16)];
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        return (null, TooLarge(limit));
                    }

                    Array.Resize(ref buffer, (int)Math.Min(limit + 1, (long)buffer.Length * 2));
                }

                int read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }
        catch (BadHttpRequestException)
        {
            return (null, Invalid("body", "The body could not be read completely."));
        }

        return length > limit ? (null, TooLarge(limit)) : (buffer[..length], null);
    }

    private static (Dictionary<string, string?>? Fields, IResult? Error) ReadJson(byte[] body, RestHostOptions limits)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException ex)
        {
            return (null, Invalid("body", $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): it must be one object of fields, in UTF-8."));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Invalid("body", "The body must be a JSON object or a form."));
            }

            var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                string name;
                try
                {
                    name = property.Name;
                }
                catch (InvalidOperationException)
                {
                    return (null, Invalid("body", "A field name is not valid Unicode (invalid UTF-8 or an unpaired surrogate)."));
                }

                if (fields.Count >= limits.MaxRequestFields)
                {
                    return (null, Invalid("body", $"The body has more than {limits.MaxRequestFields} fields (RestHostOptions:MaxRequestFields)."));
                }

                string field = Excerpt.Of(name);
                if (fields.ContainsKey(name))
                {
                    return (null, Invalid(field, $"{field} is given more than once (field names are matched ignoring case); give it once."));
                }

                try
                {
                    fields[name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                        _ => throw new FormatException(),
                    };
                }
                catch (InvalidOperationException)
                {
                    return (null, Invalid(field, $"{field} is not valid Unicode (invalid UTF-8 or an unpaired surrogate)."));
                }
                catch (FormatException)
                {
                    return (null, Invalid(field, $"{field} must be a string or a number, not an object or an array."));
                }
            }

            return (fields, null);
        }
    }

    private static async Task<(Dictionary<string, string?>? Fields, IResult? Error)> ReadFormAsync(byte[] body, RestHostOptions limits, CancellationToken cancellationToken)
    {
        Dictionary<string, StringValues> form;
        try
        {
            using var reader = new FormReader(new MemoryStream(body, writable: false), Encoding.UTF8)
            {
                ValueCountLimit = limits.MaxRequestFields,
                KeyLengthLimit = limits.MaxFieldLength,
                ValueLengthLimit = limits.MaxFieldLength,
            };
            form = await reader.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return (null, Invalid("body", $"The form has more than {limits.MaxRequestFields} fields (RestHostOptions:MaxRequestFields) or a field name or value longer than {limits.MaxFieldLength} characters (RestHostOptions:MaxFieldLength)."));
        }

        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach ((string key, StringValues value) in form)
        {
            string field = Excerpt.Of(key);
            if (value.Count > 1 || fields.ContainsKey(key))
            {
                return (null, Invalid(field, $"{field} is given more than once (field names are matched ignoring case); give it once."));
            }

            fields[key] = value.ToString();
        }

        return (fields, null);
    }

    private static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The request body is too large.",
            detail: $"The body may be at most {limit:N0} bytes (RestHostOptions:MaxRequestBodyBytes).",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["body"] = [$"larger than {limit:N0} bytes"] } });

    public static ProblemHttpResult UnsupportedMediaType(string given) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported content type.",
            detail: $"The body must be application/json or a form (application/x-www-form-urlencoded); got '{Excerpt.Of(given)}'.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["Content-Type"] = [$"'{Excerpt.Of(given)}' is not accepted"] } });
}
