<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AddKeyDialog</name>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="38"/>
        <source>Add API key</source>
        <translation>添加 API 密钥</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="40"/>
        <source>e.g. video-pipeline</source>
        <translation>例如 video-pipeline</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="46"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="84"/>
        <source>Something went wrong: %s</source>
        <translation>出现问题：%s</translation>
    </message>
</context>
<context>
    <name>AlignedText</name>
    <message>
        <location filename="../../studio/ui/widgets/aligned.py" line="68"/>
        <source>Script</source>
        <translation>稿件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/aligned.py" line="68"/>
        <source>Heard</source>
        <translation>听到</translation>
    </message>
</context>
<context>
    <name>DocumentView</name>
    <message>
        <location filename="../../studio/ui/widgets/document.py" line="81"/>
        <source>Script, segment by segment</source>
        <translation>脚本（逐段）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document.py" line="82"/>
        <source>The script&apos;s segments appear here once it is split.</source>
        <translation>脚本分段后，片段会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="41"/>
        <source>Segment %d</source>
        <translation>片段 %d</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="44"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="47"/>
        <source>voice %s</source>
        <translation>声音 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="49"/>
        <source>length %s</source>
        <translation>时长 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="51"/>
        <source>%d takes</source>
        <translation>%d 个录音</translation>
    </message>
    <message>
        <source>approved</source>
        <translation type="vanished">已通过</translation>
    </message>
    <message>
        <source>rendered</source>
        <translation type="vanished">已渲染</translation>
    </message>
    <message>
        <source>rendering…</source>
        <translation type="vanished">渲染中…</translation>
    </message>
    <message>
        <source>queued</source>
        <translation type="vanished">排队中</translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="vanished">失败</translation>
    </message>
    <message>
        <source>changed: render again</source>
        <translation type="vanished">已更改：需重新渲染</translation>
    </message>
    <message>
        <source>not rendered</source>
        <translation type="vanished">未渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="66"/>
        <source>Edit text…</source>
        <translation>编辑文本…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="73"/>
        <source>Play from here</source>
        <translation>从此处播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="74"/>
        <source>Play from the first selected</source>
        <translation>从第一个选中的片段播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="75"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="76"/>
        <source>Approve</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="77"/>
        <source>Withdraw approval</source>
        <translation>撤销通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="78"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document_menu.py" line="78"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/document.py" line="517"/>
        <source>segment %d is locked: unlock it (L) to edit</source>
        <translation>片段 %d 已锁定：先解锁（L）再编辑</translation>
    </message>
</context>
<context>
    <name>EditDialog</name>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="64"/>
        <source>Edit segment %d</source>
        <translation>编辑片段 %d</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="65"/>
        <source>Segment %d</source>
        <translation>片段 %d</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="84"/>
        <source>Keep the edit (Ctrl+Enter)</source>
        <translation>保留修改（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="106"/>
        <source>%d characters</source>
        <translation>%d 个字符</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="108"/>
        <source>%d / %d characters: too long for one segment</source>
        <translation>%d / %d 个字符：超出一个片段的长度</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="111"/>
        <source>%d / %d characters</source>
        <translation>%d / %d 个字符</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="113"/>
        <source>This voice reads at most %d characters at a time: shorten the text, or split it in the script.</source>
        <translation>此声音每次最多朗读 %d 个字符：请缩短文本，或在脚本中拆分。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="117"/>
        <source>Spoken as: %s</source>
        <translation>朗读为：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/edit_dialog.py" line="118"/>
        <source>Spoken before this edit as: %s</source>
        <translation>修改前朗读为：%s</translation>
    </message>
</context>
<context>
    <name>EngineView</name>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="62"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="63"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="71"/>
        <source>Worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="72"/>
        <location filename="../../studio/ui/views/engine.py" line="109"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="73"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="74"/>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="75"/>
        <source>PID</source>
        <translation>进程号</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="76"/>
        <source>Uptime</source>
        <translation>运行时间</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="77"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="78"/>
        <source>Restarts</source>
        <translation>重启次数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="79"/>
        <source>Placed because</source>
        <translation>分配原因</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="94"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="101"/>
        <source>HTTP API</source>
        <translation>HTTP API</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="107"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="108"/>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="122"/>
        <source>Add key…</source>
        <translation>添加密钥…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="123"/>
        <source>Revoke</source>
        <translation>吊销</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="156"/>
        <source>Running (pid %s)</source>
        <translation>运行中（进程号 %s）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="156"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="162"/>
        <source>Backend %s is not available: %s</source>
        <translation>后端 %s 不可用：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="190"/>
        <source>API server not running — start it with `studio serve` (see docs/server.md)</source>
        <translation>API 服务器未运行——用 `studio serve` 启动（见 docs/server.md）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="192"/>
        <source>API server running at %s (pid %s, since %s)</source>
        <translation>API 服务器运行于 %s（pid %s，自 %s 起）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="196"/>
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="197"/>
        <source>revoked %s</source>
        <translation>已于 %s 吊销</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="232"/>
        <source>Revoke key</source>
        <translation>吊销密钥</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="233"/>
        <source>Revoke the key %s? Programs that use it are refused from now on.</source>
        <translation>吊销密钥 %s？此后使用它的程序都将被拒绝。</translation>
    </message>
</context>
<context>
    <name>EntryDialog</name>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="59"/>
        <source>a respelling, e.g. new-win</source>
        <translation>改写的拼读，例如 new-win</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="61"/>
        <source>IPA, e.g. ˈnwɪən</source>
        <translation>国际音标，例如 ˈnwɪən</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="62"/>
        <source>Exact case (only as written here)</source>
        <translation>区分大小写（仅匹配此处的写法）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="65"/>
        <source>The library (every project)</source>
        <translation>库（所有项目）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="72"/>
        <source>Word or phrase:</source>
        <translation>词或短语：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="73"/>
        <source>Say it as:</source>
        <translation>读作：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="74"/>
        <source>Phonemes:</source>
        <translation>音素：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="76"/>
        <source>This voice&apos;s backend reads no phonemes: it says the alias (or the word as written).</source>
        <translation>此声音的后端不读取音素：它会读出改写（或原词）。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="83"/>
        <source>Save in:</source>
        <translation>保存到：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="84"/>
        <source>Preview</source>
        <translation>试听</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="85"/>
        <source>Hear a short phrase with the word, said this way</source>
        <translation>试听含有此词的短句，按此读法读出</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="94"/>
        <source>no voice to preview with</source>
        <translation>没有可用于试听的声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="128"/>
        <source>Says: “%s”</source>
        <translation>读出：“%s”</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="162"/>
        <source>Rendering the preview…</source>
        <translation>正在渲染试听…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/lexicon_dialog.py" line="177"/>
        <source>The preview failed: %s</source>
        <translation>试听失败：%s</translation>
    </message>
</context>
<context>
    <name>Eta</name>
    <message>
        <location filename="../../studio/ui/eta.py" line="137"/>
        <source>under a minute left</source>
        <translation>剩余不到一分钟</translation>
    </message>
    <message>
        <location filename="../../studio/ui/eta.py" line="152"/>
        <source>about %d min left</source>
        <translation>剩余约 %d 分钟</translation>
    </message>
    <message>
        <location filename="../../studio/ui/eta.py" line="154"/>
        <source>about %d h left</source>
        <translation>剩余约 %d 小时</translation>
    </message>
    <message>
        <location filename="../../studio/ui/eta.py" line="155"/>
        <source>about %d h %d min left</source>
        <translation>剩余约 %d 小时 %d 分钟</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="56"/>
        <source>Export %s</source>
        <translation>导出 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="71"/>
        <source>As rendered</source>
        <translation>保持原样</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="80"/>
        <source>Subtitles (.srt) beside the audio</source>
        <translation>在音频旁生成字幕 (.srt)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="82"/>
        <source>WebVTT subtitles (.vtt) beside the audio</source>
        <translation>在音频旁生成 WebVTT 字幕 (.vtt)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="58"/>
        <source>None (choose below)</source>
        <translation>无（在下方选择）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="91"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="83"/>
        <source>One file per segment (in a folder)</source>
        <translation>每个片段一个文件（放在一个文件夹中）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="85"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="92"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="93"/>
        <source>Sample rate</source>
        <translation>采样率</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="94"/>
        <source>Loudness</source>
        <translation>响度</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="95"/>
        <source>Pause after a comma</source>
        <translation>逗号后的停顿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="96"/>
        <source>Pause after a sentence</source>
        <translation>句子后的停顿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="97"/>
        <source>Pause after a paragraph</source>
        <translation>段落后的停顿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="108"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="112"/>
        <source>Show folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="116"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="128"/>
        <source>Show them</source>
        <translation>显示它们</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="130"/>
        <source>Close this dialog and show only the segments that need review (N: the next one)</source>
        <translation>关闭此对话框，只显示需要复查的片段（N：下一个）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="170"/>
        <source>1 segment needs review: take QA found its take wanting.</source>
        <translation>1 个片段需要复查：版本质检发现其版本有问题。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="171"/>
        <source>%d segments need review: take QA found their takes wanting.</source>
        <translation>%d 个片段需要复查：版本质检发现其版本有问题。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="172"/>
        <source>They are exported as they are.</source>
        <translation>它们将按原样导出。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="218"/>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="266"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="123"/>
        <source>Render these first</source>
        <translation>先渲染这些</translation>
    </message>
</context>
<context>
    <name>FarmGroup</name>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="43"/>
        <source>loading</source>
        <translation>加载中</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="44"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="45"/>
        <source>busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="46"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="47"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="48"/>
        <source>gone</source>
        <translation>失联</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="64"/>
        <source>%d s ago</source>
        <translation>%d 秒前</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="66"/>
        <source>%d min ago</source>
        <translation>%d 分钟前</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="67"/>
        <source>%d h ago</source>
        <translation>%d 小时前</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="88"/>
        <source>Render farm</source>
        <translation>渲染农场</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="103"/>
        <source>Worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="104"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="105"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="106"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="107"/>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="108"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="109"/>
        <source>Last seen</source>
        <translation>最后响应</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="110"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="126"/>
        <source>Asking the farm…</source>
        <translation>正在询问渲染农场…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="158"/>
        <source>Not connected to a render farm — connect one with `studio farm connect redis://HOST:PORT/DB`</source>
        <translation>未连接渲染农场——用 `studio farm connect redis://HOST:PORT/DB` 连接</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="161"/>
        <source>The farm could not be asked</source>
        <translation>无法询问渲染农场</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="164"/>
        <source>Farm at %s: answers</source>
        <translation>渲染农场 %s：有响应</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="165"/>
        <source>Farm at %s: does not answer</source>
        <translation>渲染农场 %s：无响应</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="166"/>
        <source>jobs handed to the farm: %d · results waiting: %d</source>
        <translation>交给农场的任务：%d · 等待取回的结果：%d</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/farm_workers.py" line="169"/>
        <source>No workers yet — start them on each machine with `studio farm worker --redis URL`</source>
        <translation>还没有工作进程——在每台机器上用 `studio farm worker --redis URL` 启动</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="101"/>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="104"/>
        <source>Text to find in the segments (Ctrl+F). Enter: next match, Shift+Enter: previous, Escape: close</source>
        <translation>要在片段中查找的文本（Ctrl+F）。Enter：下一个，Shift+Enter：上一个，Esc：关闭</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="107"/>
        <source>Match &amp;case</source>
        <translation>区分大小写(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="108"/>
        <source>Match upper and lower case exactly (Alt+C)</source>
        <translation>严格区分大小写（Alt+C）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="109"/>
        <source>&amp;Whole words</source>
        <translation>全词匹配(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="110"/>
        <source>Only whole words, not part of a longer word (Alt+W)</source>
        <translation>只匹配完整的词，不匹配较长词的一部分（Alt+W）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="111"/>
        <source>Rege&amp;x</source>
        <translation>正则表达式(&amp;X)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="113"/>
        <source>A regular expression: . any character, \d a digit, (…) a group (Alt+X)</source>
        <translation>正则表达式：. 任意字符，\d 数字，(…) 分组（Alt+X）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="120"/>
        <source>Previous match (Shift+Enter, Shift+F3)</source>
        <translation>上一个匹配（Shift+Enter，Shift+F3）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="124"/>
        <source>Next match (Enter, F3)</source>
        <translation>下一个匹配（Enter，F3）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="128"/>
        <source>Close (Escape)</source>
        <translation>关闭（Esc）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="132"/>
        <source>Replace with</source>
        <translation>替换为</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="134"/>
        <source>The replacement (Ctrl+H). With Regex, \1 or \g&lt;name&gt; puts back what a group found</source>
        <translation>替换内容（Ctrl+H）。使用正则表达式时，\1 或 \g&lt;name&gt; 代表分组匹配到的内容</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="136"/>
        <source>&amp;Replace</source>
        <translation>替换(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="138"/>
        <source>Replace the current match and go to the next (Alt+R); Ctrl+Z undoes it</source>
        <translation>替换当前匹配并转到下一个（Alt+R）；Ctrl+Z 撤销</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="140"/>
        <source>Replace &amp;all</source>
        <translation>全部替换(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="142"/>
        <source>Replace every match in one step (Alt+A); locked segments are left as they are; Ctrl+Z undoes it</source>
        <translation>一步替换所有匹配（Alt+A）；已锁定的片段保持不变；Ctrl+Z 撤销</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="267"/>
        <source>Invalid pattern</source>
        <translation>无效的表达式</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="271"/>
        <source>No results</source>
        <translation>无结果</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="273"/>
        <source>%d of %d</source>
        <translation>第 %d 个，共 %d 个</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="313"/>
        <source>replace %r with %r</source>
        <translation>将 %r 替换为 %r</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="326"/>
        <source>Replacing…</source>
        <translation>正在替换…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="334"/>
        <source>replace all %r with %r</source>
        <translation>将所有 %r 替换为 %r</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="338"/>
        <source>Nothing to replace.</source>
        <translation>没有可替换的内容。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="361"/>
        <source>Replaced 1 match.</source>
        <translation>已替换 1 处。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="363"/>
        <source>Replaced %d matches in 1 segment.</source>
        <translation>已在 1 个片段中替换 %d 处。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="364"/>
        <source>Replaced %d matches in %d segments.</source>
        <translation>已替换 %d 处，涉及 %d 个片段。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="369"/>
        <source>1 locked segment was left as it is: %s</source>
        <translation>1 个已锁定的片段保持不变：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/find_bar.py" line="370"/>
        <source>%d locked segments were left as they are: %s</source>
        <translation>%d 个已锁定的片段保持不变：%s</translation>
    </message>
</context>
<context>
    <name>ImportVoiceDialog</name>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="44"/>
        <source>Import a voice</source>
        <translation>导入声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="49"/>
        <source>What the clip says, word for word (cloning works best with it)</source>
        <translation>片段所说的内容，逐字填写（有它克隆效果最好）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="52"/>
        <source>Detect from the transcript</source>
        <translation>根据文本检测</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="56"/>
        <source>Reading the clip…</source>
        <translation>正在读取片段…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="57"/>
        <location filename="../../studio/ui/views/import_dialog.py" line="114"/>
        <location filename="../../studio/ui/views/import_dialog.py" line="120"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="114"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="59"/>
        <source>Listen to the clip</source>
        <translation>试听片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="62"/>
        <source>Clip</source>
        <translation>片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="63"/>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="65"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="66"/>
        <source>Transcript</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="67"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="72"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="97"/>
        <source>%.1f s (3 to 30 s of speech are used)</source>
        <translation>%.1f 秒（使用其中 3 到 30 秒的语音）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="102"/>
        <source>Cannot read the clip: %s</source>
        <translation>无法读取片段：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="133"/>
        <source>Give the voice a name.</source>
        <translation>请为声音命名。</translation>
    </message>
</context>
<context>
    <name>InlineEditor</name>
    <message>
        <location filename="../../studio/ui/widgets/inline_editor.py" line="26"/>
        <source>Enter: save · Shift+Enter: new line · Escape: cancel</source>
        <translation>Enter：保存 · Shift+Enter：换行 · Esc：取消</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../studio/ui/main_window.py" line="104"/>
        <source>&amp;New project…</source>
        <translation>新建项目(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="105"/>
        <source>&amp;Rename project…</source>
        <translation>重命名项目(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="106"/>
        <source>D&amp;uplicate project…</source>
        <translation>复制项目(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="108"/>
        <source>&amp;Delete project…</source>
        <translation>删除项目(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="53"/>
        <source>Voice Studio</source>
        <translation>Voice Studio</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="85"/>
        <source>Library: %s</source>
        <translation>媒体库：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="101"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="109"/>
        <source>&amp;Import voice clip…</source>
        <translation>导入声音片段(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="110"/>
        <source>&amp;Open script…</source>
        <translation>打开稿件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="112"/>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="113"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="121"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="122"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="124"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="139"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="147"/>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="149"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="149"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="150"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="152"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="203"/>
        <source>Voices, Projects, Queue, Engine, Models, Pronunciation</source>
        <translation>声音库、项目、队列、渲染引擎、模型、发音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="266"/>
        <source>The language changes when Voice Studio starts again.</source>
        <translation>重新启动 Voice Studio 后切换语言。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="299"/>
        <source>No project to export</source>
        <translation>没有可导出的项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="200"/>
        <location filename="../../studio/ui/main_window.py" line="319"/>
        <source>Open a script</source>
        <translation>打开稿件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="320"/>
        <source>Text (*.txt *.md)</source>
        <translation>文本 (*.txt *.md)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="353"/>
        <source>Rendering</source>
        <translation>正在渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="354"/>
        <source>%d segments are still rendering. Keep rendering in the background?</source>
        <translation>还有 %d 个片段正在渲染。要在后台继续渲染吗？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="158"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="130"/>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="131"/>
        <source>&amp;Replace…</source>
        <translation>替换(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="132"/>
        <source>Find &amp;next</source>
        <translation>查找下一个(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="133"/>
        <source>Find &amp;previous</source>
        <translation>查找上一个(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="159"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="162"/>
        <source>&amp;About Voice Studio</source>
        <translation>关于 Voice Studio(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="184"/>
        <source>Play or stop the selected segment</source>
        <translation>播放或停止所选片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="185"/>
        <source>Play from the selected segment on</source>
        <translation>从所选片段开始播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="186"/>
        <source>Compare takes (A/B)</source>
        <translation>比较录音版本（A/B）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="187"/>
        <source>Regenerate the selected segment</source>
        <translation>重新生成所选片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="188"/>
        <source>Edit the selected segment&apos;s text</source>
        <translation>编辑所选片段的文本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="189"/>
        <source>Lock or unlock</source>
        <translation>锁定或解锁</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="190"/>
        <source>Approve or withdraw the approval</source>
        <translation>通过或撤回通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="191"/>
        <source>Next / previous segment that needs review</source>
        <translation>下一个 / 上一个需要复查的片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="192"/>
        <source>Undo / redo</source>
        <translation>撤销 / 重做</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="193"/>
        <source>Find / replace in the segments&apos; text</source>
        <translation>在片段文本中查找 / 替换</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="194"/>
        <source>Next / previous match</source>
        <translation>下一个 / 上一个匹配</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="195"/>
        <source>Select several segments: the actions apply to all of them</source>
        <translation>选择多个片段：操作作用于所有选中的片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="197"/>
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="198"/>
        <source>Apply the edited script</source>
        <translation>应用编辑后的脚本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="199"/>
        <source>Render all</source>
        <translation>全部渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="201"/>
        <source>Import a voice clip</source>
        <translation>导入声音片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="202"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Voices, Projects, Queue, Engine, Models</source>
        <translation type="vanished">声音、项目、队列、引擎、模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="205"/>
        <source>This list</source>
        <translation>本列表</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="212"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="222"/>
        <source>About Voice Studio</source>
        <translation>关于 Voice Studio</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="223"/>
        <source>Voice Studio %s
Library: %s</source>
        <translation>Voice Studio %s
库：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="356"/>
        <source>%d takes are still being checked. Keep checking in the background?</source>
        <translation>仍有 %d 个版本正在检查。是否在后台继续检查？</translation>
    </message>
</context>
<context>
    <name>ModelsView</name>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="57"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="58"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="59"/>
        <source>On disk</source>
        <translation>占用空间</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="60"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="61"/>
        <source>VRAM</source>
        <translation>显存</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="62"/>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="63"/>
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="64"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="73"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="75"/>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="78"/>
        <source>Verify</source>
        <translation>校验</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="80"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="89"/>
        <source>Models are downloaded only from this page or `studio models download`, never while rendering.</source>
        <translation>模型只在此页面或通过 `studio models download` 下载，渲染时从不下载。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="150"/>
        <source>download cancelled</source>
        <translation>下载已取消</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="151"/>
        <source>download again to resume where it stopped</source>
        <translation>再次下载即可从中断处继续</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="177"/>
        <source>%s: %.1f of %.1f MB</source>
        <translation>%s：%.1f / %.1f MB</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="180"/>
        <source>%s: %.1f MB</source>
        <translation>%s：%.1f MB</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="187"/>
        <source>Downloading %s…</source>
        <translation>正在下载 %s…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="189"/>
        <source>%s is ready in %s</source>
        <translation>%s 已就绪，位于 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="194"/>
        <source>Cancelling: the part downloaded so far is kept…</source>
        <translation>正在取消：已下载的部分会保留…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="205"/>
        <source>%s is damaged: %s</source>
        <translation>%s 已损坏：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="206"/>
        <source>Download repairs only these files</source>
        <translation>重新下载只会修复这些文件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="208"/>
        <source>%s: every file checks out</source>
        <translation>%s：所有文件校验通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="210"/>
        <source>Verifying %s…</source>
        <translation>正在校验 %s…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="218"/>
        <source>Remove model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="219"/>
        <source>Delete the files of %s? Downloading it again takes a while.</source>
        <translation>删除 %s 的文件？重新下载需要一些时间。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="223"/>
        <source>Removing %s…</source>
        <translation>正在删除 %s…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="224"/>
        <source>Removed %s (%.1f MB freed)</source>
        <translation>已删除 %s（释放 %.1f MB）</translation>
    </message>
</context>
<context>
    <name>NewKeyDialog</name>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="94"/>
        <source>API key %s</source>
        <translation>API 密钥 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="100"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="106"/>
        <source>This key is shown only now. Store it; the studio keeps only a hash.</source>
        <translation>此密钥仅在此刻显示。请妥善保存；Voice Studio 只保留其哈希值。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="111"/>
        <source>The new key &lt;b&gt;%s&lt;/b&gt;:</source>
        <translation>新密钥 &lt;b&gt;%s&lt;/b&gt;：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/keys_dialog.py" line="119"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>ProjectDialog</name>
    <message>
        <location filename="../../studio/ui/views/project_dialog.py" line="37"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_dialog.py" line="49"/>
        <source>Voice:</source>
        <translation>声音：</translation>
    </message>
</context>
<context>
    <name>ProjectsView</name>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="56"/>
        <source>The project&apos;s voice (locked segments keep theirs)</source>
        <translation>项目的声音（锁定的片段保留各自的声音）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/script_tab.py" line="44"/>
        <source>Apply changes</source>
        <translation>应用更改</translation>
    </message>
    <message>
        <source>Split the edited script into segments. Segments you did not change keep their takes; in a project being rendered, the changed ones render again.</source>
        <translation type="vanished">将编辑后的脚本拆分为片段。未更改的片段保留其录音；在正在渲染的项目中，更改过的片段会重新渲染。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_list.py" line="36"/>
        <source>New project…</source>
        <translation>新建项目…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="76"/>
        <source>No project</source>
        <translation>没有项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="80"/>
        <source>No project yet: New project, paste a script, or drop a text file here</source>
        <translation>还没有项目：新建项目、粘贴脚本，或将文本文件拖到这里</translation>
    </message>
    <message>
        <source>Render every segment that has no take of its present text and voice (locked segments are left as they are)</source>
        <translation type="vanished">渲染所有没有当前文本和声音录音的片段（已锁定的片段保持不变）</translation>
    </message>
    <message>
        <source>Approved %d / %d · to review %d · not rendered %d · failed %d · locked %d</source>
        <translation type="vanished">已通过 %d / %d · 待审阅 %d · 未渲染 %d · 失败 %d · 已锁定 %d</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="43"/>
        <source>Needs review</source>
        <translation>需要复查</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="46"/>
        <source>Not approved</source>
        <translation>未通过审核</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="71"/>
        <source>Segments whose best take QA found wanting: listen, then approve, edit or regenerate them</source>
        <translation>质检发现其最佳版本仍有问题的片段：请试听，然后通过、编辑或重新生成</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="78"/>
        <source>Select the previous segment that needs review (Shift+N)</source>
        <translation>选择上一个需要复查的片段（Shift+N）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="80"/>
        <source>Select the next segment that needs review (N)</source>
        <translation>选择下一个需要复查的片段（N）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="160"/>
        <source>Edit text…</source>
        <translation>编辑文本…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="164"/>
        <source>Pronounce as…</source>
        <translation>读作…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="165"/>
        <source>Say a word of this segment another way, in every segment that has it</source>
        <translation>改变此片段中某个词的读法，所有含有该词的片段都会随之改变</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="174"/>
        <source>Another word or phrase…</source>
        <translation>其他词或短语…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="342"/>
        <source>Pronounce as</source>
        <translation>读作</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="344"/>
        <source>Project %s</source>
        <translation>项目 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="345"/>
        <source>The library (every project)</source>
        <translation>库（所有项目）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="115"/>
        <source>Approved %d / %d · not approved %d · not rendered %d · failed %d · locked %d</source>
        <translation>已通过 %d / %d · 未通过审核 %d · 未渲染 %d · 失败 %d · 已锁定 %d</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="121"/>
        <source>Show them</source>
        <translation>显示它们</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="125"/>
        <source>1 segment needs review</source>
        <translation>1 个片段需要复查</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="126"/>
        <source>%d segments need review</source>
        <translation>%d 个片段需要复查</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_tab.py" line="204"/>
        <source>No segment needs review</source>
        <translation>没有需要复查的片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_tab.py" line="220"/>
        <source>Needs review: segment %d (%d of %d)</source>
        <translation>需要复查：片段 %d（第 %d 个，共 %d 个）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_list.py" line="84"/>
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_list.py" line="108"/>
        <source>Rename project</source>
        <translation>重命名项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_list.py" line="122"/>
        <source>Duplicate project</source>
        <translation>复制项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_list.py" line="123"/>
        <source>%s copy</source>
        <translation>%s 副本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_list.py" line="137"/>
        <source>Delete project</source>
        <translation>删除项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_list.py" line="138"/>
        <source>Move the project %r to the trash? Its queued renders stop; Undo (Ctrl+Z) or `studio projects restore` brings it back.</source>
        <translation>将项目 %r 移到回收站？其排队中的渲染将停止；撤销（Ctrl+Z）或 `studio projects restore` 可以恢复它。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="105"/>
        <source> — checking %d take(s)</source>
        <translation> — 正在检查 %d 条录音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="171"/>
        <source>Every segment is rendered with this voice.</source>
        <translation>所有片段都已用此声音渲染。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="175"/>
        <source>Voice changed</source>
        <translation>声音已更改</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="176"/>
        <source>%d segments now need rendering (locked segments keep their voice). Render them now?</source>
        <translation>现在有 %d 个片段需要渲染（锁定的片段保留其声音）。现在渲染吗？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_list.py" line="32"/>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="47"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="48"/>
        <source>Voice</source>
        <translation>声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="49"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="50"/>
        <source>QA</source>
        <translation>质检</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="52"/>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="54"/>
        <source>Takes</source>
        <translation>版本数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="36"/>
        <source>Show only the segments in one state</source>
        <translation>只显示某一状态的片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="41"/>
        <source>All segments</source>
        <translation>全部片段</translation>
    </message>
    <message>
        <source>To review</source>
        <translation type="vanished">待审阅</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="48"/>
        <source>Not rendered</source>
        <translation>未渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="50"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="51"/>
        <source>Approved</source>
        <translation>已通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="53"/>
        <source>Locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="48"/>
        <source>Render all</source>
        <translation>全部渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/filter_bar.py" line="95"/>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/script_tab.py" line="42"/>
        <source>Paste or type the script here.</source>
        <translation>在此粘贴或输入稿件。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="131"/>
        <source>Render every segment that has no take of its present text and voice (Ctrl+Shift+R; locked segments are left as they are)</source>
        <translation>渲染所有没有当前文本和声音录音的片段（Ctrl+Shift+R；已锁定的片段保持不变）</translation>
    </message>
    <message>
        <source>Apply changes (only changed segments re-render)</source>
        <translation type="vanished">应用修改（只重新渲染改动的片段）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="51"/>
        <source>Segments</source>
        <translation>片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="52"/>
        <source>Script</source>
        <translation>稿件</translation>
    </message>
    <message>
        <source>No project yet: drop a text file here</source>
        <translation type="vanished">还没有项目：把文本文件拖到这里</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="110"/>
        <source>%s rendered, %d failed</source>
        <translation>已渲染 %s，失败 %d 个</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="125"/>
        <source>Voice: %s · %s</source>
        <translation>声音：%s · %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="127"/>
        <source>(cannot render here)</source>
        <translation>（无法在本机渲染）</translation>
    </message>
    <message>
        <source> — about %s left</source>
        <translation type="vanished"> — 约剩 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="338"/>
        <location filename="../../studio/ui/views/render_bar.py" line="145"/>
        <source>no backend can speak this voice</source>
        <translation>没有后端能使用这个声音</translation>
    </message>
    <message>
        <source>approved</source>
        <translation type="vanished">已通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/script_tab.py" line="45"/>
        <source>Split the edited script into segments (Ctrl+Return). Segments you did not change keep their takes; in a project being rendered, the changed ones render again.</source>
        <translation>将编辑后的脚本拆分为片段（Ctrl+Return）。未更改的片段保留其录音；在正在渲染的项目中，更改过的片段会重新渲染。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="99"/>
        <source>No segments yet: paste the script in the Script tab and Apply (Ctrl+Return)</source>
        <translation>还没有片段：在“脚本”标签页粘贴脚本并应用（Ctrl+Return）</translation>
    </message>
    <message>
        <source>rendered</source>
        <translation type="vanished">已渲染</translation>
    </message>
    <message>
        <source>rendering…</source>
        <translation type="vanished">渲染中…</translation>
    </message>
    <message>
        <source>queued</source>
        <translation type="vanished">排队中</translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="vanished">失败</translation>
    </message>
    <message>
        <source>changed: render again</source>
        <translation type="vanished">已更改：需重新渲染</translation>
    </message>
    <message>
        <source>not rendered</source>
        <translation type="vanished">未渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segments_table.py" line="78"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/render_bar.py" line="103"/>
        <source> — paused (resume it in the Queue)</source>
        <translation> — 已暂停（可在队列中恢复）</translation>
    </message>
</context>
<context>
    <name>Pronunciation</name>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="57"/>
        <source>1 segment now said differently</source>
        <translation>1 个片段的读法已改变</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="58"/>
        <source>%d segments now said differently</source>
        <translation>%d 个片段的读法已改变</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="59"/>
        <source>no segment says anything differently</source>
        <translation>没有片段的读法改变</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="62"/>
        <source>1 locked segment keeps what it said</source>
        <translation>1 个已锁定的片段保持原读法</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="63"/>
        <source>%d locked segments keep what they said</source>
        <translation>%d 个已锁定的片段保持原读法</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="65"/>
        <source>%d queued to render again</source>
        <translation>%d 个已排队重新渲染</translation>
    </message>
</context>
<context>
    <name>PronunciationView</name>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="109"/>
        <source>The library&apos;s entries apply to every project; a project&apos;s own entries win over them</source>
        <translation>库中的词条适用于所有项目；项目自己的词条优先</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="113"/>
        <source>Word or phrase</source>
        <translation>词或短语</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="114"/>
        <source>Said as</source>
        <translation>读法</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="115"/>
        <source>Exact case</source>
        <translation>区分大小写</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="116"/>
        <source>Segments</source>
        <translation>片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="132"/>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="134"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="146"/>
        <source>Double-click: show the segment in Projects</source>
        <translation>双击：在“项目”中显示该片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="150"/>
        <source>Lexicon of:</source>
        <translation>词典：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="155"/>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="155"/>
        <source>A word or phrase and how to say it</source>
        <translation>一个词或短语及其读法</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="157"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="157"/>
        <source>Change the selected entry</source>
        <translation>修改所选词条</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="158"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="158"/>
        <source>Remove the selected entries</source>
        <translation>删除所选词条</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="160"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="161"/>
        <source>Add the entries of a W3C PLS (.pls) or CSV file</source>
        <translation>添加 W3C PLS（.pls）或 CSV 文件中的词条</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="162"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="163"/>
        <source>Write these entries to a W3C PLS (.pls) or CSV file</source>
        <translation>将这些词条写入 W3C PLS（.pls）或 CSV 文件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="202"/>
        <source>The library (every project)</source>
        <translation>库（所有项目）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="222"/>
        <source>These entries apply to every project; a project&apos;s own entries win over them.</source>
        <translation>这些词条适用于所有项目；项目自己的词条优先。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="224"/>
        <source>Project %s&apos;s own entries: they win over the library&apos;s.</source>
        <translation>项目 %s 自己的词条：优先于库中的词条。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="293"/>
        <source>Select an entry to see the segments it changes.</source>
        <translation>选择一个词条，查看它改变的片段。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="299"/>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="306"/>
        <source>“%s” is in no segment.</source>
        <translation>没有片段含有“%s”。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="307"/>
        <source>“%s” is in 1 segment:</source>
        <translation>“%s”出现在 1 个片段中：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="308"/>
        <source>“%s” is in %d segments:</source>
        <translation>“%s”出现在 %d 个片段中：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="329"/>
        <source>no backend can speak this voice</source>
        <translation>没有后端能读出此声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="342"/>
        <source>Add a pronunciation</source>
        <translation>添加读法</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="352"/>
        <source>Edit the pronunciation</source>
        <translation>编辑读法</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="368"/>
        <source>%d removed</source>
        <translation>已删除 %d 条</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="379"/>
        <source>Import a lexicon</source>
        <translation>导入词典</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="380"/>
        <source>Pronunciation lexicons (*.pls *.csv);;W3C PLS (*.pls);;CSV (*.csv)</source>
        <translation>发音词典 (*.pls *.csv);;W3C PLS (*.pls);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="403"/>
        <source>1 entry imported</source>
        <translation>已导入 1 个词条</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="404"/>
        <source>%d entries imported</source>
        <translation>已导入 %d 个词条</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="406"/>
        <source>%s holds no entries</source>
        <translation>%s 中没有词条</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="413"/>
        <source>library</source>
        <translation>库</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="415"/>
        <source>Export the lexicon</source>
        <translation>导出词典</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="416"/>
        <source>W3C PLS (*.pls);;CSV (*.csv)</source>
        <translation>W3C PLS (*.pls);;CSV (*.csv)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="427"/>
        <source>%s is neither .pls nor .csv</source>
        <translation>%s 既不是 .pls 也不是 .csv</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="428"/>
        <source>name the file .pls (W3C PLS) or .csv</source>
        <translation>请将文件命名为 .pls（W3C PLS）或 .csv</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="444"/>
        <source>%d entries written to %s</source>
        <translation>已将 %d 个词条写入 %s</translation>
    </message>
</context>
<context>
    <name>Qa</name>
    <message>
        <location filename="../../studio/ui/qa.py" line="22"/>
        <source>QA passed</source>
        <translation>质检通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="23"/>
        <source>QA: a person should listen</source>
        <translation>质检：需要人工试听</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="24"/>
        <source>QA failed</source>
        <translation>质检未通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="25"/>
        <source>Not checked</source>
        <translation>未检查</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="26"/>
        <source>Being checked…</source>
        <translation>正在检查…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="30"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="31"/>
        <source>extra</source>
        <translation>多余</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="32"/>
        <source>changed</source>
        <translation>改变</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="33"/>
        <source>repeat</source>
        <translation>重复</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="34"/>
        <source>silence</source>
        <translation>静音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="35"/>
        <source>noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="36"/>
        <source>click</source>
        <translation>咔嗒声</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="37"/>
        <source>clipping</source>
        <translation>削波</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="84"/>
        <source>%.1f characters/s</source>
        <translation>%.1f 字符/秒</translation>
    </message>
    <message>
        <location filename="../../studio/ui/qa.py" line="88"/>
        <source>voice similarity %.2f</source>
        <translation>声音相似度 %.2f</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="47"/>
        <source>Start the engine</source>
        <translation>启动引擎</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="69"/>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="70"/>
        <location filename="../../studio/ui/views/queue.py" line="77"/>
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="71"/>
        <source>Segment</source>
        <translation>片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="72"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="73"/>
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="74"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="78"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="79"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="80"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="81"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="82"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="82"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="92"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="93"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="94"/>
        <source>Priority ↑</source>
        <translation>提高优先级</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="95"/>
        <source>Cancel project</source>
        <translation>取消项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="108"/>
        <source>Retry dead</source>
        <translation>重试失败任务</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="109"/>
        <source>Retry selected</source>
        <translation>重试所选</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="110"/>
        <source>Cancel selected</source>
        <translation>取消所选</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="138"/>
        <source>Starting the engine…</source>
        <translation>正在启动引擎…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="140"/>
        <source>The engine is starting…</source>
        <translation>引擎正在启动…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="142"/>
        <source>Engine running (pid %d): %s.</source>
        <translation>引擎运行中（pid %d）：%s。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="145"/>
        <source>%d jobs wait.</source>
        <translation>%d 个任务等待中。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="147"/>
        <source>Engine stopped — %d jobs wait. Start it to render them.</source>
        <translation>引擎已停止 — %d 个任务等待中。启动引擎以渲染它们。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="149"/>
        <source>Engine stopped. Nothing waits to render.</source>
        <translation>引擎已停止。没有等待渲染的内容。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="159"/>
        <source>and %d more</source>
        <translation>另有 %d 个</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="161"/>
        <source>Paused: %s. Their %d jobs wait until you select the project and press Resume.</source>
        <translation>已暂停：%s。其 %d 个任务将等待，直到你选择该项目并点击“继续”。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="163"/>
        <source>Paused: %s.</source>
        <translation>已暂停：%s。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="171"/>
        <source>no workers yet</source>
        <translation>尚无工作进程</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="172"/>
        <source>%d %s worker</source>
        <translation>%d 个 %s 工作进程</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="172"/>
        <source>%d %s workers</source>
        <translation>%d 个 %s 工作进程</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="174"/>
        <source>%d %s failed (see the Engine page)</source>
        <translation>%d 个 %s 失败（见“引擎”页面）</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="31"/>
        <source>Record a voice</source>
        <translation>录制声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="40"/>
        <source>Read a sentence aloud and type it here</source>
        <translation>朗读一句话，并在此输入它的文字</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="44"/>
        <source>3 to 30 seconds of speech.</source>
        <translation>3 到 30 秒的语音。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="45"/>
        <source>Record</source>
        <translation>录音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="48"/>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="49"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="50"/>
        <source>Transcript</source>
        <translation>文字稿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="51"/>
        <source>Level</source>
        <translation>电平</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="65"/>
        <source>No microphone: recording is not available here.</source>
        <translation>没有麦克风：此处无法录音。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="71"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="79"/>
        <source>Recording in %d…</source>
        <translation>%d 秒后开始录音…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="86"/>
        <source>Recording: %.1f s</source>
        <translation>正在录音：%.1f 秒</translation>
    </message>
</context>
<context>
    <name>ScriptChecker</name>
    <message>
        <location filename="../../studio/ui/widgets/script_check.py" line="155"/>
        <source>Show</source>
        <extracomment>Wait this long after the last keystroke before checking. Parse on the GUI thread while tags × characters stay under this: parse time grows with both (measured: 750 tags in 17.6 kB, 16 ms; 9,000 in 210 kB, 1.7 s), and this keeps it near 10 ms.</extracomment>
        <translation>显示</translation>
    </message>
</context>
<context>
    <name>SegmentPanel</name>
    <message>
        <location filename="../../studio/ui/views/review_playback.py" line="163"/>
        <location filename="../../studio/ui/views/review_playback.py" line="175"/>
        <location filename="../../studio/ui/views/segment_panel.py" line="87"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="88"/>
        <source>Play the segment&apos;s take, or stop (Space)</source>
        <translation>播放片段的录音，或停止（空格）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="89"/>
        <source>Play from here</source>
        <translation>从此处播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="90"/>
        <source>Play the project from this segment on; with several segments selected, play the selection (Shift+Space)</source>
        <translation>从此片段开始播放项目；选中多个片段时，播放所选范围（Shift+空格）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="92"/>
        <source>A/B</source>
        <translation>A/B 对比</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="93"/>
        <source>Compare: the current take, then the one before it (B)</source>
        <translation>对比：当前录音，然后是前一个录音（B）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="94"/>
        <location filename="../../studio/ui/views/segment_panel.py" line="180"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="95"/>
        <source>A new take of the selected segments, ahead of other work (R)</source>
        <translation>为选中的片段优先生成新录音（R）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="96"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="97"/>
        <source>Edit the segment&apos;s text; only it renders again (F2)</source>
        <translation>编辑片段文本；只有它会重新渲染（F2）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="98"/>
        <location filename="../../studio/ui/views/segment_panel.py" line="177"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="99"/>
        <source>Lock: the selected segments keep their take and text (L)</source>
        <translation>锁定：选中的片段保留其录音和文本（L）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="100"/>
        <location filename="../../studio/ui/views/segment_panel.py" line="179"/>
        <source>Approve</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="101"/>
        <source>Approve the selected segments&apos; current takes (A)</source>
        <translation>通过选中片段的当前录音（A）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="116"/>
        <source>Take:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="119"/>
        <source>The segment&apos;s takes; choose which one is current</source>
        <translation>片段的录音；选择哪一个作为当前录音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="123"/>
        <source>Voice:</source>
        <translation>声音：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="126"/>
        <source>The voice of the selected segments</source>
        <translation>选中片段的声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="159"/>
        <source>Select a segment to review it.</source>
        <translation>选择一个片段进行审听。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="169"/>
        <source>&lt;b&gt;%d segments selected&lt;/b&gt; — Regenerate, Lock, Approve and Voice apply to all of them.</source>
        <translation>&lt;b&gt;已选中 %d 个片段&lt;/b&gt; — 重新生成、锁定、通过和声音都作用于所有选中的片段。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="172"/>
        <source>Its takes are of other text or another voice: render it again (R).</source>
        <translation>它的录音属于其他文本或其他声音：请重新渲染（R）。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="177"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="179"/>
        <source>Unapprove</source>
        <translation>取消通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="182"/>
        <source>Project&apos;s voice</source>
        <translation>项目的声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="398"/>
        <source>segments %d to %d</source>
        <translation>片段 %d 至 %d</translation>
    </message>
    <message>
        <source>Edit segment</source>
        <translation type="vanished">编辑片段</translation>
    </message>
    <message>
        <source>Text:</source>
        <translation type="vanished">文本：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="191"/>
        <source>(current)</source>
        <translation>（当前）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="193"/>
        <source>(other text)</source>
        <translation>（其他文本）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="194"/>
        <source>(other voice)</source>
        <translation>（其他声音）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/review_playback.py" line="269"/>
        <source>▶ take %d (current)</source>
        <translation>▶ 第 %d 条录音（当前）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/review_playback.py" line="270"/>
        <source>▶ take %d (not current)</source>
        <translation>▶ 第 %d 条录音（非当前）</translation>
    </message>
    <message>
        <source>%d segments: new takes are queued</source>
        <translation type="vanished">%d 个片段：新录音已排队</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="313"/>
        <source>none of the %d selected segments changed: %s</source>
        <translation>选中的 %d 个片段均未更改：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="318"/>
        <source>%d left as they are (%s)</source>
        <translation>%d 个保持不变（%s）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="330"/>
        <source>%d segments changed</source>
        <translation>%d 个片段已更改</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="331"/>
        <source>1 segment changed</source>
        <translation>1 个片段已更改</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/review_playback.py" line="244"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/review_playback.py" line="199"/>
        <source>segment %d, take %d</source>
        <translation>第 %d 段，第 %d 条录音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="397"/>
        <source>project from segment %d</source>
        <translation>从第 %d 段起的项目</translation>
    </message>
</context>
<context>
    <name>State</name>
    <message>
        <location filename="../../studio/ui/states.py" line="18"/>
        <source>approved</source>
        <translation>已通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/states.py" line="19"/>
        <source>needs review</source>
        <translation>需要复查</translation>
    </message>
    <message>
        <location filename="../../studio/ui/states.py" line="20"/>
        <source>rendered</source>
        <translation>已渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/states.py" line="21"/>
        <source>rendering…</source>
        <translation>渲染中…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/states.py" line="22"/>
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../studio/ui/states.py" line="23"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/states.py" line="24"/>
        <source>changed: render again</source>
        <translation>已更改：需重新渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/states.py" line="25"/>
        <source>not rendered</source>
        <translation>未渲染</translation>
    </message>
</context>
<context>
    <name>TransportBar</name>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="35"/>
        <source>Previous segment</source>
        <translation>上一段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="38"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="40"/>
        <source>Next segment</source>
        <translation>下一段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="68"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="68"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="43"/>
        <source>Loop: play what plays again when it ends</source>
        <translation>循环：播放结束后重新播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="41"/>
        <source>Loop</source>
        <translation>循环</translation>
    </message>
</context>
<context>
    <name>TrimDialog</name>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="28"/>
        <source>Trim %s</source>
        <translation>裁剪 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="42"/>
        <source>Play selection</source>
        <translation>播放所选部分</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="48"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="49"/>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="50"/>
        <source>Selection</source>
        <translation>所选部分</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="74"/>
        <source>%.1f s</source>
        <translation>%.1f 秒</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="75"/>
        <source> (a prompt needs 3 to 30 s)</source>
        <translation>（提示音需要 3 到 30 秒）</translation>
    </message>
</context>
<context>
    <name>View</name>
    <message>
        <source>Voice Studio</source>
        <translation type="vanished">Voice Studio</translation>
    </message>
    <message>
        <source>Something went wrong: %s</source>
        <translation type="vanished">出现问题：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="46"/>
        <source>Engine</source>
        <translation>渲染引擎</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="35"/>
        <source>Projects</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="36"/>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="29"/>
        <source>Voices</source>
        <translation>声音库</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/weights.py" line="49"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/pronunciation.py" line="97"/>
        <source>Pronunciation</source>
        <translation>发音</translation>
    </message>
</context>
<context>
    <name>VoicesView</name>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="34"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="35"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="36"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="37"/>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="38"/>
        <source>Backend</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="39"/>
        <source>Transcript</source>
        <translation>文字稿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="47"/>
        <source>Import clip…</source>
        <translation>导入片段…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="49"/>
        <source>Record…</source>
        <translation>录音…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="60"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="65"/>
        <source>Trim…</source>
        <translation>裁剪…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="67"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="84"/>
        <source>preset</source>
        <translation>预置</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="84"/>
        <source>zero-shot</source>
        <translation>零样本克隆</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="85"/>
        <source>cross-lingual</source>
        <translation>跨语种克隆</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="88"/>
        <source>cannot render here</source>
        <translation>无法在本机渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="98"/>
        <source>Import a voice clip</source>
        <translation>导入声音片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="99"/>
        <source>Audio (*.wav *.flac *.ogg *.mp3)</source>
        <translation>音频 (*.wav *.flac *.ogg *.mp3)</translation>
    </message>
    <message>
        <source>Voice name</source>
        <translation type="vanished">声音名称</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="vanished">名称：</translation>
    </message>
    <message>
        <source>What does the clip say?</source>
        <translation type="vanished">这段录音说了什么？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="154"/>
        <source>Added voice %s</source>
        <translation>已添加声音 %s</translation>
    </message>
</context>
<context>
    <name>Words</name>
    <message>
        <location filename="../../studio/ui/words.py" line="27"/>
        <source>Project %s: every segment is rendered</source>
        <translation>项目 %s：每个片段都已渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="28"/>
        <source>Project %s: %d segment(s) to render</source>
        <translation>项目 %s：%d 个片段待渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="31"/>
        <source>; locked without a current take (unlock to render): %s</source>
        <translation>；已锁定且没有当前录音（解锁后才能渲染）：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="39"/>
        <source>%d segments: new takes are queued</source>
        <translation>%d 个片段：新录音已排队</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="42"/>
        <source>Segment %d: a new take is queued</source>
        <translation>片段 %d：新录音已排队</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="44"/>
        <source>Segment %d was already queued: moved to the front of the queue</source>
        <translation>片段 %d 已在队列中：已移到队列最前</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="46"/>
        <source>Segment %d is being rendered now</source>
        <translation>片段 %d 正在渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="53"/>
        <source>This project is paused</source>
        <translation>此项目已暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="54"/>
        <source>resume it in the Queue page first</source>
        <translation>请先在“队列”页面恢复它</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="57"/>
        <source>This segment is locked</source>
        <translation>此片段已锁定</translation>
    </message>
    <message>
        <location filename="../../studio/ui/words.py" line="58"/>
        <source>unlock it first (L)</source>
        <translation>请先解锁（L）</translation>
    </message>
</context>
</TS>
