using System.Text;

namespace PrivateFl.RestHost;

/// <summary>Shortens a caller's or a file's value before it is echoed in an error, so a refusal never carries more than a glimpse of data.</summary>
internal static class Excerpt
{
    /// <summary>The most characters of a value an error shows.</summary>
    public const int MaxLength = 40;

    /// <summary>The value cut to <see cref="MaxLength"/> characters with an ellipsis, control characters shown as <c>?</c>.</summary>
    public static string Of(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, MaxLength) + 1);
        foreach (Rune rune in value.EnumerateRunes())
        {
            if (builder.Length + rune.Utf16SequenceLength > MaxLength)
            {
                return builder.Append('…').ToString();
            }

            if (Rune.IsControl(rune))
            {
                builder.Append('?');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }
}
