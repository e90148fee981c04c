<?xml version="1.0"?>
<!-- Turns an OCF agent's meta-data into its man page (roff), so that the
     page and the agent can never disagree: the build runs
     `agent meta-data | xsltproc ocf-agent.xsl -`.
     Parameters: provider (default "hacon"). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:strip-space elements="*"/>
<xsl:param name="provider" select="'hacon'"/>

<xsl:variable name="agent" select="/resource-agent/@name"/>
<xsl:variable name="page"
    select="concat('ocf_', $provider, '_', $agent)"/>

<!-- roff: a backslash is \e; a line that starts with . or ' would be a
     request, so every text line starts with \&. -->
<xsl:template name="esc">
  <xsl:param name="s"/>
  <xsl:choose>
    <xsl:when test="contains($s, '\')">
      <xsl:value-of select="substring-before($s, '\')"/>
      <xsl:text>\e</xsl:text>
      <xsl:call-template name="esc">
        <xsl:with-param name="s" select="substring-after($s, '\')"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="line">
  <xsl:param name="s"/>
  <xsl:text>\&amp;</xsl:text>
  <xsl:call-template name="esc">
    <xsl:with-param name="s" select="normalize-space($s)"/>
  </xsl:call-template>
  <xsl:text>&#10;</xsl:text>
</xsl:template>

<!-- Paragraphs: text separated by an empty line. -->
<xsl:template name="paras">
  <xsl:param name="s"/>
  <xsl:variable name="t" select="concat($s, '&#10;&#10;')"/>
  <xsl:variable name="first" select="substring-before($t, '&#10;&#10;')"/>
  <xsl:variable name="rest" select="substring-after($s, '&#10;&#10;')"/>
  <xsl:if test="normalize-space($first) != ''">
    <xsl:text>.PP&#10;</xsl:text>
    <xsl:call-template name="line">
      <xsl:with-param name="s" select="$first"/>
    </xsl:call-template>
  </xsl:if>
  <xsl:if test="normalize-space($rest) != ''">
    <xsl:call-template name="paras">
      <xsl:with-param name="s" select="$rest"/>
    </xsl:call-template>
  </xsl:if>
</xsl:template>

<xsl:template match="/resource-agent">
  <xsl:text>.\" Generated from the agent's meta-data by man/ocf-agent.xsl.&#10;</xsl:text>
  <xsl:text>.TH "</xsl:text>
  <xsl:value-of select="translate($page, 'abcdefghijklmnopqrstuvwxyz',
                                  'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/>
  <xsl:text>" "7" "" "hacon" "OCF resource agents"&#10;</xsl:text>
  <xsl:text>.SH NAME&#10;</xsl:text>
  <xsl:value-of select="$page"/>
  <xsl:text> \- </xsl:text>
  <xsl:call-template name="esc">
    <xsl:with-param name="s" select="normalize-space(shortdesc)"/>
  </xsl:call-template>
  <xsl:text>&#10;.SH SYNOPSIS&#10;</xsl:text>
  <xsl:text>.B </xsl:text>
  <xsl:value-of select="concat('ocf:', $provider, ':', $agent)"/>
  <xsl:text>&#10;[</xsl:text>
  <xsl:for-each select="actions/action[not(@name = preceding-sibling::action/@name)]">
    <xsl:if test="position() > 1"><xsl:text> | </xsl:text></xsl:if>
    <xsl:value-of select="@name"/>
  </xsl:for-each>
  <xsl:text>]&#10;.SH DESCRIPTION&#10;</xsl:text>
  <xsl:call-template name="paras">
    <xsl:with-param name="s" select="longdesc"/>
  </xsl:call-template>
  <xsl:text>.SH SUPPORTED PARAMETERS&#10;</xsl:text>
  <xsl:apply-templates select="parameters/parameter"/>
  <xsl:text>.SH SUPPORTED ACTIONS&#10;</xsl:text>
  <xsl:text>Default timeouts and intervals, which the cluster configuration can override:&#10;</xsl:text>
  <xsl:apply-templates select="actions/action"/>
  <xsl:text>.SH EXAMPLE CRM SHELL&#10;.nf&#10;.RS 4&#10;</xsl:text>
  <xsl:text>primitive p_</xsl:text>
  <xsl:value-of select="$agent"/>
  <xsl:text> ocf:</xsl:text>
  <xsl:value-of select="concat($provider, ':', $agent)"/>
  <xsl:text> \e&#10;</xsl:text>
  <xsl:text>  params</xsl:text>
  <xsl:for-each select="parameters/parameter[@required = '1']">
    <xsl:value-of select="concat(' ', @name, '=&quot;&quot;')"/>
  </xsl:for-each>
  <xsl:text> \e&#10;</xsl:text>
  <xsl:for-each select="actions/action[@name = 'start' or @name = 'stop' or @name = 'monitor']">
    <xsl:value-of select="concat('  op ', @name)"/>
    <xsl:if test="@interval">
      <xsl:value-of select="concat(' interval=', @interval)"/>
    </xsl:if>
    <xsl:value-of select="concat(' timeout=', @timeout)"/>
    <xsl:if test="@depth and @depth != '0'">
      <xsl:value-of select="concat(' OCF_CHECK_LEVEL=', @depth)"/>
    </xsl:if>
    <xsl:if test="position() != last()"><xsl:text> \e</xsl:text></xsl:if>
    <xsl:text>&#10;</xsl:text>
  </xsl:for-each>
  <xsl:text>.RE&#10;.fi&#10;</xsl:text>
  <xsl:text>.SH SEE ALSO&#10;</xsl:text>
  <xsl:text>.BR hacon (1),&#10;</xsl:text>
  <xsl:choose>
    <xsl:when test="$agent = 'kea-dhcp4'">
      <xsl:text>.BR kea\-dhcp4 (8),&#10;</xsl:text>
    </xsl:when>
    <xsl:otherwise>
      <xsl:text>.BR dhcpd (8),&#10;.BR dhcpd.conf (5),&#10;</xsl:text>
    </xsl:otherwise>
  </xsl:choose>
  <xsl:text>.BR crm (8)&#10;</xsl:text>
</xsl:template>

<xsl:template match="parameter">
  <xsl:text>.TP&#10;\fB</xsl:text>
  <xsl:value-of select="@name"/>
  <xsl:text>\fR (</xsl:text>
  <xsl:value-of select="content/@type"/>
  <xsl:if test="@required = '1'"><xsl:text>, required</xsl:text></xsl:if>
  <xsl:if test="@unique = '1'"><xsl:text>, unique</xsl:text></xsl:if>
  <xsl:text>, default: </xsl:text>
  <xsl:choose>
    <xsl:when test="content/@default != ''">
      <xsl:text>\(lq</xsl:text>
      <xsl:call-template name="esc">
        <xsl:with-param name="s" select="content/@default"/>
      </xsl:call-template>
      <xsl:text>\(rq</xsl:text>
    </xsl:when>
    <xsl:otherwise><xsl:text>empty</xsl:text></xsl:otherwise>
  </xsl:choose>
  <xsl:text>)&#10;</xsl:text>
  <xsl:call-template name="line">
    <xsl:with-param name="s" select="concat(normalize-space(shortdesc), '. ',
                                            normalize-space(longdesc))"/>
  </xsl:call-template>
</xsl:template>

<xsl:template match="action">
  <xsl:text>.TP&#10;\fB</xsl:text>
  <xsl:value-of select="@name"/>
  <xsl:text>\fR&#10;\&amp;timeout </xsl:text>
  <xsl:value-of select="@timeout"/>
  <xsl:if test="@interval">
    <xsl:value-of select="concat(', interval ', @interval)"/>
  </xsl:if>
  <xsl:if test="@depth">
    <xsl:value-of select="concat(', depth (OCF_CHECK_LEVEL) ', @depth)"/>
  </xsl:if>
  <xsl:text>&#10;</xsl:text>
</xsl:template>
</xsl:stylesheet>
