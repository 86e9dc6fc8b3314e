<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>EngineView</name>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="41" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="42" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="50" />
        <source>Worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="51" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="52" />
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="53" />
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="54" />
        <source>PID</source>
        <translation>进程号</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="55" />
        <source>Uptime</source>
        <translation>运行时间</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="56" />
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="57" />
        <source>Restarts</source>
        <translation>重启次数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="58" />
        <source>Placed because</source>
        <translation>分配原因</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="70" />
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="78" />
        <source>Running (pid %s)</source>
        <translation>运行中（进程号 %s）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="78" />
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="92" />
        <source>Backend %s is not available: %s</source>
        <translation>后端 %s 不可用：%s</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="39" />
        <source>Export %s</source>
        <translation>导出 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="45" />
        <source>As rendered</source>
        <translation>保持原样</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="54" />
        <source>Subtitles (.srt) beside the audio</source>
        <translation>在音频旁生成字幕 (.srt)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="78" />
        <source>WebVTT subtitles (.vtt) beside the audio</source>
        <translation>在音频旁生成 WebVTT 字幕 (.vtt)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="54" />
        <source>None (choose below)</source>
        <translation>无（在下方选择）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="87" />
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="56" />
        <source>One file per segment (in a folder)</source>
        <translation>每个片段一个文件（放在一个文件夹中）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="58" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="64" />
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="65" />
        <source>Sample rate</source>
        <translation>采样率</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="66" />
        <source>Loudness</source>
        <translation>响度</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="67" />
        <source>Pause after a comma</source>
        <translation>逗号后的停顿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="68" />
        <source>Pause after a sentence</source>
        <translation>句子后的停顿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="69" />
        <source>Pause after a paragraph</source>
        <translation>段落后的停顿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="79" />
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="83" />
        <source>Show folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="87" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="103" />
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="136" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/export_dialog.py" line="1" />
        <source>Render these first</source>
        <translation>先渲染这些</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../studio/ui/main_window.py" line="0" />
        <source>&amp;New project…</source>
        <translation>新建项目(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="0" />
        <source>&amp;Rename project…</source>
        <translation>重命名项目(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="0" />
        <source>D&amp;uplicate project…</source>
        <translation>复制项目(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="0" />
        <source>&amp;Delete project…</source>
        <translation>删除项目(&amp;D)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="49" />
        <source>Voice Studio</source>
        <translation>Voice Studio</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="74" />
        <source>Library: %s</source>
        <translation>媒体库：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="88" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="90" />
        <source>&amp;Import voice clip…</source>
        <translation>导入声音片段(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="91" />
        <source>&amp;Open script…</source>
        <translation>打开稿件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="92" />
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="93" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="99" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="100" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="102" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="105" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="112" />
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="113" />
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="114" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="114" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="118" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="141" />
        <source>The language changes when Voice Studio starts again.</source>
        <translation>重新启动 Voice Studio 后切换语言。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="165" />
        <source>No project to export</source>
        <translation>没有可导出的项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="171" />
        <source>Open a script</source>
        <translation>打开稿件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="172" />
        <source>Text (*.txt *.md)</source>
        <translation>文本 (*.txt *.md)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="200" />
        <source>Rendering</source>
        <translation>正在渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="201" />
        <source>%d segments are still rendering. Keep rendering in the background?</source>
        <translation>还有 %d 个片段正在渲染。要在后台继续渲染吗？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>&amp;About Voice Studio</source>
        <translation>关于 Voice Studio(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Play or stop the selected segment</source>
        <translation>播放或停止所选片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Play from the selected segment on</source>
        <translation>从所选片段开始播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Compare takes (A/B)</source>
        <translation>比较录音版本（A/B）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Regenerate the selected segment</source>
        <translation>重新生成所选片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Edit the selected segment's text</source>
        <translation>编辑所选片段的文本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Lock or unlock</source>
        <translation>锁定或解锁</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Approve or withdraw the approval</source>
        <translation>通过或撤回通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Undo / redo</source>
        <translation>撤销 / 重做</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Import a voice clip</source>
        <translation>导入声音片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Voices, Projects, Queue, Engine, Models</source>
        <translation>声音、项目、队列、引擎、模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>This list</source>
        <translation>本列表</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>About Voice Studio</source>
        <translation>关于 Voice Studio</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="1" />
        <source>Voice Studio %s
Library: %s</source>
        <translation>Voice Studio %s
库：%s</translation>
    </message>
</context>
<context>
    <name>ModelsView</name>
    <message>
        <location filename="../../studio/ui/views/models.py" line="57" />
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="58" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="59" />
        <source>On disk</source>
        <translation>占用空间</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="60" />
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="61" />
        <source>VRAM</source>
        <translation>显存</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="62" />
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="63" />
        <source>Languages</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="64" />
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="73" />
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="75" />
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="78" />
        <source>Verify</source>
        <translation>校验</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="80" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="89" />
        <source>Models are downloaded only from this page or `studio models download`, never while rendering.</source>
        <translation>模型只在此页面或通过 `studio models download` 下载，渲染时从不下载。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="150" />
        <source>download cancelled</source>
        <translation>下载已取消</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="151" />
        <source>download again to resume where it stopped</source>
        <translation>再次下载即可从中断处继续</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="177" />
        <source>%s: %.1f of %.1f MB</source>
        <translation>%s：%.1f / %.1f MB</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="180" />
        <source>%s: %.1f MB</source>
        <translation>%s：%.1f MB</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="187" />
        <source>Downloading %s…</source>
        <translation>正在下载 %s…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="189" />
        <source>%s is ready in %s</source>
        <translation>%s 已就绪，位于 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="194" />
        <source>Cancelling: the part downloaded so far is kept…</source>
        <translation>正在取消：已下载的部分会保留…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="205" />
        <source>%s is damaged: %s</source>
        <translation>%s 已损坏：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="206" />
        <source>Download repairs only these files</source>
        <translation>重新下载只会修复这些文件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="208" />
        <source>%s: every file checks out</source>
        <translation>%s：所有文件校验通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="210" />
        <source>Verifying %s…</source>
        <translation>正在校验 %s…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="218" />
        <source>Remove model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="219" />
        <source>Delete the files of %s? Downloading it again takes a while.</source>
        <translation>删除 %s 的文件？重新下载需要一些时间。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="223" />
        <source>Removing %s…</source>
        <translation>正在删除 %s…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="224" />
        <source>Removed %s (%.1f MB freed)</source>
        <translation>已删除 %s（释放 %.1f MB）</translation>
    </message>
</context>
<context>
    <name>ProjectsView</name>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>The project's voice (locked segments keep theirs)</source>
        <translation>项目的声音（锁定的片段保留各自的声音）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>New project…</source>
        <translation>新建项目…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>No project</source>
        <translation>没有项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>No project yet: New project, paste a script, or drop a text file here</source>
        <translation>还没有项目：新建项目、粘贴脚本，或将文本文件拖到这里</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>New project</source>
        <translation>新建项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>Rename project</source>
        <translation>重命名项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>Duplicate project</source>
        <translation>复制项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>%s copy</source>
        <translation>%s 副本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>Delete project</source>
        <translation>删除项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>Move the project %r to the trash? Its queued renders stop; Undo (Ctrl+Z) or `studio projects restore` brings it back.</source>
        <translation>将项目 %r 移到回收站？其排队中的渲染将停止；撤销（Ctrl+Z）或 `studio projects restore` 可以恢复它。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>Every segment is rendered with this voice.</source>
        <translation>所有片段都已用此声音渲染。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>Voice changed</source>
        <translation>声音已更改</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="0" />
        <source>%d segments now need rendering (locked segments keep their voice). Render them now?</source>
        <translation>现在有 %d 个片段需要渲染（锁定的片段保留其声音）。现在渲染吗？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="49" />
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="56" />
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="57" />
        <source>Voice</source>
        <translation>声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="58" />
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="59" />
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="60" />
        <source>Takes</source>
        <translation>版本数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="76" />
        <source>Render all</source>
        <translation>全部渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="95" />
        <source>Paste or type the script here.</source>
        <translation>在此粘贴或输入稿件。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="96" />
        <source>Apply changes (only changed segments re-render)</source>
        <translation>应用修改（只重新渲染改动的片段）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="104" />
        <source>Segments</source>
        <translation>片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="105" />
        <source>Script</source>
        <translation>稿件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="145" />
        <source>No project yet: drop a text file here</source>
        <translation>还没有项目：把文本文件拖到这里</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="165" />
        <source>%s rendered, %d failed</source>
        <translation>已渲染 %s，失败 %d 个</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="172" />
        <source>Voice: %s · %s</source>
        <translation>声音：%s · %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="174" />
        <source>(cannot render here)</source>
        <translation>（无法在本机渲染）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="193" />
        <source> — about %s left</source>
        <translation> — 约剩 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="268" />
        <source>no backend can speak this voice</source>
        <translation>没有后端能使用这个声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source>approved</source>
        <translation>已通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source>rendered</source>
        <translation>已渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source>rendering…</source>
        <translation>渲染中…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source>queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source>changed: render again</source>
        <translation>已更改：需重新渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source>not rendered</source>
        <translation>未渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="1" />
        <source> — paused (resume it in the Queue)</source>
        <translation> — 已暂停（可在队列中恢复）</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="30" />
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="31" />
        <location filename="../../studio/ui/views/queue.py" line="38" />
        <source>Project</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="32" />
        <source>Segment</source>
        <translation>片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="33" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="34" />
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="35" />
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="39" />
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="40" />
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="41" />
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="42" />
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="43" />
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="43" />
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="53" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="54" />
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="55" />
        <source>Priority ↑</source>
        <translation>提高优先级</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="56" />
        <source>Cancel project</source>
        <translation>取消项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="69" />
        <source>Retry dead</source>
        <translation>重试失败任务</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="70" />
        <source>Retry selected</source>
        <translation>重试所选</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="71" />
        <source>Cancel selected</source>
        <translation>取消所选</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="31" />
        <source>Record a voice</source>
        <translation>录制声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="40" />
        <source>Read a sentence aloud and type it here</source>
        <translation>朗读一句话，并在此输入它的文字</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="44" />
        <source>3 to 30 seconds of speech.</source>
        <translation>3 到 30 秒的语音。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="45" />
        <source>Record</source>
        <translation>录音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="48" />
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="49" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="50" />
        <source>Transcript</source>
        <translation>文字稿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="51" />
        <source>Level</source>
        <translation>电平</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="65" />
        <source>No microphone: recording is not available here.</source>
        <translation>没有麦克风：此处无法录音。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="71" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="79" />
        <source>Recording in %d…</source>
        <translation>%d 秒后开始录音…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/record_dialog.py" line="86" />
        <source>Recording: %.1f s</source>
        <translation>正在录音：%.1f 秒</translation>
    </message>
</context>
<context>
    <name>SegmentPanel</name>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="68" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="69" />
        <source>Play from here</source>
        <translation>从此处播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="70" />
        <source>A/B</source>
        <translation>A/B 对比</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="71" />
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="72" />
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="73" />
        <location filename="../../studio/ui/views/segment_panel.py" line="116" />
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="74" />
        <location filename="../../studio/ui/views/segment_panel.py" line="118" />
        <source>Approve</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="85" />
        <source>Take:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="87" />
        <source>Voice:</source>
        <translation>声音：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="110" />
        <source>Select a segment to review it.</source>
        <translation>选择一个片段进行审听。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="116" />
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="118" />
        <source>Unapprove</source>
        <translation>取消通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="119" />
        <source>Project's voice</source>
        <translation>项目的声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="175" />
        <source>Edit segment</source>
        <translation>编辑片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="176" />
        <source>Text:</source>
        <translation>文本：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="1" />
        <source>(current)</source>
        <translation>（当前）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="1" />
        <source>▶ take %d (current)</source>
        <translation>▶ 第 %d 条录音（当前）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="1" />
        <source>▶ take %d (not current)</source>
        <translation>▶ 第 %d 条录音（非当前）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="1" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="1" />
        <source>segment %d, take %d</source>
        <translation>第 %d 段，第 %d 条录音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/segment_panel.py" line="1" />
        <source>project from segment %d</source>
        <translation>从第 %d 段起的项目</translation>
    </message>
</context>
<context>
    <name>TrimDialog</name>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="28" />
        <source>Trim %s</source>
        <translation>裁剪 %s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="42" />
        <source>Play selection</source>
        <translation>播放所选部分</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="48" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="49" />
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="50" />
        <source>Selection</source>
        <translation>所选部分</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="74" />
        <source>%.1f s</source>
        <translation>%.1f 秒</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/trim_dialog.py" line="75" />
        <source> (a prompt needs 3 to 30 s)</source>
        <translation>（提示音需要 3 到 30 秒）</translation>
    </message>
</context>
<context>
    <name>View</name>
    <message>
        <location filename="../../studio/ui/views/base.py" line="61" />
        <source>Voice Studio</source>
        <translation>Voice Studio</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/base.py" line="63" />
        <source>Something went wrong: %s</source>
        <translation>出现问题：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/engine.py" line="29" />
        <source>Engine</source>
        <translation>渲染引擎</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/projects.py" line="41" />
        <source>Projects</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/queue.py" line="24" />
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="30" />
        <source>Voices</source>
        <translation>声音库</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/models.py" line="49" />
        <source>Models</source>
        <translation>模型</translation>
    </message>
</context>
<context>
    <name>VoicesView</name>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="35" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="36" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="37" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="38" />
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="39" />
        <source>Backend</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="40" />
        <location filename="../../studio/ui/views/voices.py" line="128" />
        <source>Transcript</source>
        <translation>文字稿</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="48" />
        <source>Import clip…</source>
        <translation>导入片段…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="50" />
        <source>Record…</source>
        <translation>录音…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="61" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="66" />
        <source>Trim…</source>
        <translation>裁剪…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="68" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="85" />
        <source>preset</source>
        <translation>预置</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="85" />
        <source>zero-shot</source>
        <translation>零样本克隆</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="86" />
        <source>cross-lingual</source>
        <translation>跨语种克隆</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="89" />
        <source>cannot render here</source>
        <translation>无法在本机渲染</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="99" />
        <source>Import a voice clip</source>
        <translation>导入声音片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="100" />
        <source>Audio (*.wav *.flac *.ogg *.mp3)</source>
        <translation>音频 (*.wav *.flac *.ogg *.mp3)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="122" />
        <source>Voice name</source>
        <translation>声音名称</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="122" />
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="128" />
        <source>What does the clip say?</source>
        <translation>这段录音说了什么？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/voices.py" line="151" />
        <source>Added voice %s</source>
        <translation>已添加声音 %s</translation>
    </message>
</context>
<context>
    <name>ImportVoiceDialog</name>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Import a voice</source>
        <translation>导入声音</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>What the clip says, word for word (cloning works best with it)</source>
        <translation>片段所说的内容，逐字填写（有它克隆效果最好）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Detect from the transcript</source>
        <translation>根据文本检测</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Reading the clip…</source>
        <translation>正在读取片段…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Listen to the clip</source>
        <translation>试听片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Clip</source>
        <translation>片段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Transcript</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>%.1f s (3 to 30 s of speech are used)</source>
        <translation>%.1f 秒（使用其中 3 到 30 秒的语音）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Cannot read the clip: %s</source>
        <translation>无法读取片段：%s</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/import_dialog.py" line="1" />
        <source>Give the voice a name.</source>
        <translation>请为声音命名。</translation>
    </message>
</context>
<context>
    <name>ProjectDialog</name>
    <message>
        <location filename="../../studio/ui/views/project_dialog.py" line="0" />
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/views/project_dialog.py" line="0" />
        <source>Voice:</source>
        <translation>声音：</translation>
    </message>
</context>
<context>
    <name>TransportBar</name>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="1" />
        <source>Previous segment</source>
        <translation>上一段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="1" />
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="1" />
        <source>Next segment</source>
        <translation>下一段</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="1" />
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="1" />
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="1" />
        <source>Loop: play what plays again when it ends</source>
        <translation>循环：播放结束后重新播放</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/transport.py" line="1" />
        <source>Loop</source>
        <translation>循环</translation>
    </message>
</context>
</TS>
